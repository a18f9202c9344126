package io.chronon.node.cli;

import io.chronon.client.Admin;
import io.chronon.client.Chronon;
import io.chronon.node.cli.ChrononCli.ClientOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The administration commands of {@code bin/chronon}: {@code user}, {@code role},
 * {@code grant} and {@code key}, through the Java client's {@link Admin}. Passwords never
 * come from the command line: from {@code --password-file FILE} ({@code -} for stdin), else
 * {@code $CHRONON_PASSWORD}, else a generated one is printed once.
 */
final class AdminCommands {
    private final PrintStream out;
    private final Function<ClientOptions, String> serverUri;
    private final String envPassword;

    AdminCommands(PrintStream out, Function<ClientOptions, String> serverUri, String envPassword) {
        this.out = out;
        this.serverUri = serverUri;
        this.envPassword = envPassword;
    }

    /** Adds the four commands, with their subcommands, to {@code root}. */
    void addTo(CommandLine root) {
        root.addSubcommand("user", new CommandLine(new Group("user", "create | delete | list | password"))
                .addSubcommand(new UserCreate())
                .addSubcommand("delete", named(Admin::deleteUser, "deleted user", "bin/chronon user delete [--uri URI] NAME",
                        "delete a user, its own role and its keys"))
                .addSubcommand(new UserList()).addSubcommand(new UserPassword()));
        root.addSubcommand("role", new CommandLine(new Group("role", "create | delete | list | add | remove"))
                .addSubcommand("create", named(Admin::createRole, "created role", "bin/chronon role create [--uri URI] NAME", "create a role"))
                .addSubcommand("delete", named(Admin::deleteRole, "deleted role", "bin/chronon role delete [--uri URI] NAME",
                        "delete a role, taking it from its users"))
                .addSubcommand(new RoleList())
                .addSubcommand("add", new RoleToUser(true)).addSubcommand("remove", new RoleToUser(false)));
        root.addSubcommand(new Grant());
        root.addSubcommand("key", new CommandLine(new Group("key", "create | list | revoke"))
                .addSubcommand(new KeyCreate()).addSubcommand(new KeyList()).addSubcommand(new KeyRevoke()));
    }

    private Admin admin(ClientOptions o) {
        return Chronon.admin(serverUri.apply(o));
    }

    /** A command grouping subcommands: alone, it prints its usage. */
    @Command(description = "administration: users, roles, keys (see the subcommands)")
    static final class Group implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this text")
        boolean help;
        private final String name;
        private final String subcommands;

        Group(String name, String subcommands) {
            this.name = name;
            this.subcommands = subcommands;
        }

        @Override
        public void run() {
            spec.commandLine().getErr().println("bin/chronon " + name + " " + subcommands + " ... (--help tells more)");
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** The password of {@code --password-file}, else {@code $CHRONON_PASSWORD}, else null. */
    private String password(String file) throws IOException {
        if (file != null) {
            return ChrononCli.read(file).strip();
        }
        return envPassword != null && !envPassword.isEmpty() ? envPassword : null;
    }

    @Command(name = "create", customSynopsis = "bin/chronon user create [--uri URI] [--password-file FILE] NAME",
            description = {"create a user",
                    "The password comes from --password-file FILE (- for stdin), else $CHRONON_PASSWORD, else one is generated"
                            + " and printed once. Never on the command line."})
    final class UserCreate implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--password-file", paramLabel = "FILE", description = "read the password from FILE (- for stdin)")
        String file;

        @Parameters(paramLabel = "NAME", description = "the user")
        String name;

        @Override
        public Integer call() throws IOException {
            String password = password(file);
            if (password != null) {
                admin(client).createUser(name, password);
                out.println("created user " + name);
            } else {
                out.println("created user " + name + " with password " + admin(client).createUser(name) + " (shown once)");
            }
            return 0;
        }
    }

    @Command(name = "password", customSynopsis = "bin/chronon user password [--uri URI] [--password-file FILE] NAME",
            description = {"set a user's password", "From --password-file FILE (- for stdin), else $CHRONON_PASSWORD."})
    final class UserPassword implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--password-file", paramLabel = "FILE", description = "read the password from FILE (- for stdin)")
        String file;

        @Parameters(paramLabel = "NAME", description = "the user")
        String name;

        @Override
        public Integer call() throws IOException {
            String password = password(file);
            if (password == null) {
                throw new IllegalArgumentException("give the password in --password-file FILE or $CHRONON_PASSWORD");
            }
            admin(client).setPassword(name, password);
            out.println("password of " + name + " set");
            return 0;
        }
    }

    @Command(name = "list", customSynopsis = "bin/chronon user list [--uri URI]",
            description = "list the users: name, roles, own permissions, keys")
    final class UserList implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            for (Admin.User u : admin(client).users()) {
                out.println(u.name() + "  roles " + u.roles() + "  permissions " + u.permissions() + "  keys " + u.keys());
            }
            return 0;
        }
    }

    @Command(name = "list", customSynopsis = "bin/chronon role list [--uri URI]",
            description = "list the roles: name, permissions, users")
    final class RoleList implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            for (Admin.Role r : admin(client).roles()) {
                out.println(r.name() + "  permissions " + r.permissions() + "  users " + r.users());
            }
            return 0;
        }
    }

    /** A command that does one thing to one user or role by name: {@code user delete}, {@code role create}, {@code role delete}. */
    @Command(description = "see the synopsis")
    final class NameCommand implements Callable<Integer> {
        private final java.util.function.BiConsumer<Admin, String> change;
        private final String done;

        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME", description = "the user or role")
        String name;

        NameCommand(java.util.function.BiConsumer<Admin, String> change, String done) {
            this.change = change;
            this.done = done;
        }

        @Override
        public Integer call() {
            change.accept(admin(client), name);
            out.println(done + " " + name);
            return 0;
        }
    }

    /** {@code name} as a subcommand doing {@code change}, described by its synopsis and description. */
    private CommandLine named(java.util.function.BiConsumer<Admin, String> change, String done, String synopsis, String description) {
        CommandLine c = new CommandLine(new NameCommand(change, done));
        c.getCommandSpec().usageMessage().customSynopsis(synopsis).description(description);
        return c;
    }

    /** {@code role add ROLE USER} grants a role to a user; {@code role remove} takes it back. */
    @Command(customSynopsis = "bin/chronon role add|remove [--uri URI] ROLE USER", description = "grant a role to a user, or take it back")
    final class RoleToUser implements Callable<Integer> {
        private final boolean add;

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ROLE", description = "the role")
        String role;

        @Parameters(index = "1", paramLabel = "USER", description = "the user")
        String user;

        RoleToUser(boolean add) {
            this.add = add;
        }

        @Override
        public Integer call() {
            if (add) {
                admin(client).grantRole(user, role);
                out.println("granted role " + role + " to " + user);
            } else {
                admin(client).revokeRole(user, role);
                out.println("took role " + role + " from " + user);
            }
            return 0;
        }
    }

    @Command(name = "grant", customSynopsis = "bin/chronon grant [--uri URI] [--revoke] ROLE ACTION KIND [TARGET]",
            description = {"give a role a permission (or take it back with --revoke)",
                    "ACTION is view, write, create or control (each includes the ones before); KIND is database, user,"
                            + " role or server; TARGET is a name, a prefix ending in * or * (the default). A user's own"
                            + " role is @USER. Example: bin/chronon grant readers view database 'sales-*'"})
    final class Grant implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--revoke", description = "take the permission back")
        boolean revoke;

        @Parameters(index = "0", paramLabel = "ROLE", description = "the role")
        String role;

        @Parameters(index = "1", paramLabel = "ACTION", description = "view, write, create or control")
        String action;

        @Parameters(index = "2", paramLabel = "KIND", description = "database, user, role or server")
        String kind;

        @Parameters(index = "3", arity = "0..1", paramLabel = "TARGET", description = "NAME, PREFIX* or * (the default)")
        String target;

        @Override
        public Integer call() {
            Admin.Permission p = new Admin.Permission(action, kind, target == null ? "*" : target);
            if (revoke) {
                admin(client).revoke(role, p);
                out.println("took '" + p + "' from role " + role);
            } else {
                admin(client).grant(role, p);
                out.println("granted '" + p + "' to role " + role);
            }
            return 0;
        }
    }

    @Command(name = "create", customSynopsis = "bin/chronon key create [--uri URI] [--limit ACTION:KIND:TARGET]... USER",
            description = {"make an access key for a user; prints its id and secret, this once",
                    "With --limit the key may do only what both its user and the limits allow (e.g. a read-only key:"
                            + " --limit view:database:*)."})
    final class KeyCreate implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--limit", paramLabel = "ACTION:KIND:TARGET", description = "limit the key to this permission; repeatable")
        List<String> limits = new ArrayList<>();

        @Parameters(paramLabel = "USER", description = "the user")
        String user;

        @Override
        public Integer call() {
            List<Admin.Permission> limit = null;
            if (!limits.isEmpty()) {
                limit = new ArrayList<>();
                for (String l : limits) {
                    String[] parts = l.split(":", 3);
                    if (parts.length < 2) {
                        throw new IllegalArgumentException("--limit takes ACTION:KIND[:TARGET], e.g. view:database:sales-*");
                    }
                    limit.add(new Admin.Permission(parts[0], parts[1], parts.length == 3 ? parts[2] : "*"));
                }
            }
            Admin.NewKey k = admin(client).createKey(user, limit);
            out.println("key " + k.key() + " secret " + k.secret() + " (shown once)");
            return 0;
        }
    }

    @Command(name = "list", customSynopsis = "bin/chronon key list [--uri URI] USER", description = "list a user's keys (never their secrets)")
    final class KeyList implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "USER", description = "the user")
        String user;

        @Override
        public Integer call() {
            for (Admin.Key k : admin(client).keys(user)) {
                out.println(k.key() + (k.permissions() == null ? "" : "  limited to " + k.permissions()));
            }
            return 0;
        }
    }

    @Command(name = "revoke", customSynopsis = "bin/chronon key revoke [--uri URI] USER KEY",
            description = "revoke a key; every node refuses it within a second")
    final class KeyRevoke implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "USER", description = "the user")
        String user;

        @Parameters(index = "1", paramLabel = "KEY", description = "the key's id")
        String key;

        @Override
        public Integer call() {
            admin(client).revokeKey(user, key);
            out.println("revoked key " + key);
            return 0;
        }
    }
}
