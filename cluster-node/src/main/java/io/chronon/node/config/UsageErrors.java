package io.chronon.node.config;

import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

/**
 * The command line's usage errors: picocli finds them, and they read as they did before it
 * ({@code unknown option --x}, {@code --port needs a value}, {@code missing DB}, or the
 * option's own reason), followed by picocli's typo hints when it has some, else the usage.
 * The exit status is 2.
 */
public final class UsageErrors {
    private UsageErrors() {
    }

    /**
     * {@code commandLine} with the parser settings of Chronon's command line: an option's value
     * is the next argument ({@code --port 8998}), an option given twice keeps its last value, {@code @FILE} is an argument like any other (not a file of
     * arguments), and help is plain text.
     */
    public static CommandLine configure(CommandLine commandLine) {
        return commandLine.setSeparator(" ")
                .setOverwrittenOptionsAllowed(true)
                .setExpandAtFiles(false)
                .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    }

    /** The message of a usage error, without the usage. */
    public static String message(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().get(0);
            if (!e.getCommandLine().getSubcommands().isEmpty()) {
                return "unknown command: " + arg;
            }
            return (arg.startsWith("-") ? "unknown option " : "unknown argument ") + arg;
        }
        if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
            ArgSpec spec = missing.getMissing().get(0);
            return spec instanceof OptionSpec option ? option.longestName() + " needs a value" : "missing " + spec.paramLabel();
        }
        return e.getMessage();
    }

    /**
     * Prints a usage error on the command line's error stream: {@code prefix}, its
     * {@link #message}, then picocli's hints for a mistyped option or command, or else the
     * usage of the command the error is in; answers the exit status, 2.
     */
    public static int report(ParameterException e, String prefix) {
        CommandLine commandLine = e.getCommandLine();
        // picocli checks the required arguments first, but an unknown option is the likelier mistake
        if (!(e instanceof UnmatchedArgumentException) && !commandLine.getUnmatchedArguments().isEmpty()) {
            e = new UnmatchedArgumentException(commandLine, commandLine.getUnmatchedArguments());
        }
        PrintWriter err = commandLine.getErr();
        err.println(prefix + message(e));
        if (!UnmatchedArgumentException.printSuggestions(e, err)) {
            commandLine.usage(err);
        }
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }
}
