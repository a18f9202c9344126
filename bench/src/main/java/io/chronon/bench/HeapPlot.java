package io.chronon.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the CSV of {@link ServerImportBench} (datoms, heap after GC in MB) as a PNG line chart:
 * {@code HeapPlot CSV PNG TITLE [HEAP_MB]}. Plain Java2D, headless.
 */
public final class HeapPlot {
    private HeapPlot() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        List<double[]> points = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.split(",");
            if (f.length < 2 || !Character.isDigit(f[0].charAt(0)) || f[1].startsWith("-")) {
                continue;
            }
            points.add(new double[] {Double.parseDouble(f[0]) / 1e6, Double.parseDouble(f[1])});
        }
        double heapMb = args.length > 3 ? Double.parseDouble(args[3]) : 512;
        int w = 900;
        int h = 500;
        int left = 80;
        int right = 30;
        int top = 50;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double maxX = points.stream().mapToDouble(p -> p[0]).max().orElse(1);
        double maxY = heapMb;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(args.length > 2 ? args[2] : "heap after GC", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(left, h - bottom, w - right, h - bottom);
        g.drawLine(left, top, left, h - bottom);
        for (int i = 0; i <= 8; i++) {
            double y = maxY * i / 8;
            int py = (int) (h - bottom - (h - top - bottom) * i / 8.0);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left + 1, py, w - right, py);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.0f MB", y), 10, py + 4);
        }
        for (int i = 0; i <= 10; i++) {
            double x = maxX * i / 10;
            int px = (int) (left + (w - left - right) * i / 10.0);
            g.drawString(String.format(Locale.ROOT, "%.1fM", x), px - 12, h - bottom + 18);
        }
        g.drawString("datoms in the database (millions)", w / 2 - 100, h - 15);
        g.setColor(new Color(200, 60, 60));
        int heapY = top;
        g.drawString("max heap " + (int) heapMb + " MB", w - right - 130, heapY - 5);
        g.setColor(new Color(40, 90, 180));
        g.setStroke(new BasicStroke(2));
        int[] prev = null;
        for (double[] p : points) {
            int px = (int) (left + (w - left - right) * p[0] / maxX);
            int py = (int) (h - bottom - (h - top - bottom) * p[1] / maxY);
            if (prev != null) {
                g.drawLine(prev[0], prev[1], px, py);
            }
            g.fillOval(px - 3, py - 3, 6, 6);
            prev = new int[] {px, py};
        }
        g.dispose();
        ImageIO.write(img, "png", Path.of(args[1]).toFile());
    }
}
