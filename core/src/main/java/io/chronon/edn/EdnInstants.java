package io.chronon.edn;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.Date;
import java.util.GregorianCalendar;
import java.util.TimeZone;

/**
 * {@code #inst} texts to and from {@link Date}, exactly as Clojure (and so Datomic) does it:
 * RFC 3339 with every part after the year optional, validated field by field, and the
 * Julian/Gregorian calendar of {@link GregorianCalendar} for dates before the Gregorian
 * cutover (1582-10-15), so old dates mean the same instant in both systems.
 */
final class EdnInstants {
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
    /** The first instant of the Gregorian calendar; from here on java.time agrees with GregorianCalendar. */
    private static final long GREGORIAN_CUTOVER = new GregorianCalendar().getGregorianChange().getTime();
    /** 0000-01-01T00:00:00.000Z (1 BC in the Julian calendar) and 9999-12-31T23:59:59.999Z. */
    private static final long MIN_MILLIS = -62_167_392_000_000L;
    private static final long MAX_MILLIS = 253_402_300_799_999L;
    private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private EdnInstants() {
    }

    /**
     * The instant of {@code text}, e.g. {@code 2020}, {@code 2020-01-02T03:04:05.123-00:00},
     * {@code 2020-01-02T03:04Z}, {@code 2020-01-02T03:04:05+01:00}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Date parse(String text) {
        Cursor c = new Cursor(text);
        int year = c.digits(4, "a 4-digit year");
        int month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
        if (c.accept('-')) {
            month = c.digits(2, "a 2-digit month");
            if (c.accept('-')) {
                day = c.digits(2, "a 2-digit day");
                if (c.accept('T')) {
                    hour = c.digits(2, "2-digit hours");
                    if (c.accept(':')) {
                        minute = c.digits(2, "2-digit minutes");
                        if (c.accept(':')) {
                            second = c.digits(2, "2-digit seconds");
                            if (c.accept('.')) {
                                millis = c.fractionMillis();
                            }
                        }
                    }
                }
            }
        }
        int offsetMinutes = 0;
        if (!c.accept('Z') && c.more()) {
            char sign = c.next();
            if (sign != '+' && sign != '-') {
                throw c.error("expected 'Z', '+hh:mm' or '-hh:mm'");
            }
            int oh = c.digits(2, "2-digit offset hours");
            c.expect(':');
            int om = c.digits(2, "2-digit offset minutes");
            check(oh <= 23, "offset hours must be 0-23", text);
            check(om <= 59, "offset minutes must be 0-59", text);
            offsetMinutes = (sign == '-' ? -1 : 1) * (oh * 60 + om);
        }
        if (c.more()) {
            throw c.error("unexpected text");
        }
        check(month >= 1 && month <= 12, "month must be 1-12", text);
        boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        int monthDays = month == 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
        check(day >= 1 && day <= monthDays, "day must be 1-" + monthDays, text);
        check(hour <= 23, "hours must be 0-23", text);
        check(minute <= 59, "minutes must be 0-59", text);
        // A leap second is only accepted at the end of a minute, and rolls over, as in Clojure.
        check(second <= (minute == 59 ? 60 : 59), "seconds must be 0-59 (60 at minute 59)", text);

        long localMillis;
        if (year > 1582) {
            localMillis = LocalDate.of(year, month, day).toEpochDay() * 86_400_000L
                    + hour * 3_600_000L + minute * 60_000L + second * 1_000L + millis;
        } else {
            GregorianCalendar cal = new GregorianCalendar(UTC);
            cal.clear();
            cal.set(year, month - 1, day, hour, minute, second); // lenient: year 0 is 1 BC, as in Clojure
            cal.set(Calendar.MILLISECOND, millis);
            localMillis = cal.getTimeInMillis();
        }
        long instant = localMillis - offsetMinutes * 60_000L;
        // An offset can push the instant out of the years #inst can print in UTC; refuse it here
        // so that everything read can be printed back.
        check(instant >= MIN_MILLIS && instant <= MAX_MILLIS, "the instant is outside years 0000-9999 in UTC", text);
        return new Date(instant);
    }

    /**
     * Appends {@code date} as {@code 2020-01-02T03:04:05.123-00:00} (UTC, millisecond
     * precision: Clojure's and Datomic's format).
     *
     * @throws IllegalArgumentException if the year is outside 0000-9999 (4 digits)
     */
    /** Whether {@link #format} prints {@code date}: it lies in the years 0000-9999 (UTC). */
    static boolean printable(Date date) {
        long ms = date.getTime();
        return ms >= MIN_MILLIS && ms <= MAX_MILLIS;
    }

    static void format(Date date, StringBuilder out) {
        long ms = date.getTime();
        int year, month, day, hour, minute, second, millis;
        if (ms >= GREGORIAN_CUTOVER) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000L), 0, ZoneOffset.UTC);
            year = t.getYear();
            month = t.getMonthValue();
            day = t.getDayOfMonth();
            hour = t.getHour();
            minute = t.getMinute();
            second = t.getSecond();
        } else {
            GregorianCalendar cal = new GregorianCalendar(UTC);
            cal.setTimeInMillis(ms);
            int yearOfEra = cal.get(Calendar.YEAR);
            year = cal.get(Calendar.ERA) == GregorianCalendar.BC ? 1 - yearOfEra : yearOfEra;
            month = cal.get(Calendar.MONTH) + 1;
            day = cal.get(Calendar.DAY_OF_MONTH);
            hour = cal.get(Calendar.HOUR_OF_DAY);
            minute = cal.get(Calendar.MINUTE);
            second = cal.get(Calendar.SECOND);
        }
        millis = (int) Math.floorMod(ms, 1000L);
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("cannot print " + date.toInstant()
                    + " as #inst: the year is outside 0000-9999");
        }
        out.append("#inst \"");
        pad(out, year, 4).append('-');
        pad(out, month, 2).append('-');
        pad(out, day, 2).append('T');
        pad(out, hour, 2).append(':');
        pad(out, minute, 2).append(':');
        pad(out, second, 2).append('.');
        pad(out, millis, 3).append("-00:00\"");
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        for (int p = width == 4 ? 1000 : width == 3 ? 100 : 10; p > 1 && value < p; p /= 10) {
            out.append('0');
        }
        return out.append(value);
    }

    private static void check(boolean ok, String problem, String text) {
        if (!ok) {
            throw new IllegalArgumentException(problem + " in \"" + text + "\"");
        }
    }

    /** Reads the fixed-width fields of an instant text left to right. */
    private static final class Cursor {
        private final String text;
        private int pos;

        Cursor(String text) {
            this.text = text;
        }

        boolean more() {
            return pos < text.length();
        }

        char next() {
            return text.charAt(pos++);
        }

        boolean accept(char c) {
            if (pos < text.length() && text.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!accept(c)) {
                throw error("expected '" + c + "'");
            }
        }

        int digits(int count, String what) {
            int v = 0;
            for (int i = 0; i < count; i++) {
                if (pos >= text.length() || !EdnSyntax.isDigit(text.charAt(pos))) {
                    throw error("expected " + what);
                }
                v = v * 10 + (text.charAt(pos++) - '0');
            }
            return v;
        }

        /** One or more digits of a fraction of a second; digits beyond milliseconds are dropped. */
        int fractionMillis() {
            int start = pos;
            int v = 0;
            while (pos < text.length() && EdnSyntax.isDigit(text.charAt(pos))) {
                if (pos - start < 3) {
                    v = v * 10 + (text.charAt(pos) - '0');
                }
                pos++;
            }
            int n = pos - start;
            if (n == 0) {
                throw error("expected digits after '.'");
            }
            for (int i = n; i < 3; i++) {
                v *= 10;
            }
            return v;
        }

        IllegalArgumentException error(String problem) {
            return new IllegalArgumentException(problem + " at index " + pos + " of \"" + text + "\"");
        }
    }
}
