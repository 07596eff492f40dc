package org.sovereignmesh.update.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.sovereignmesh.update.ManagedBundle;
import org.sovereignmesh.update.PeerReport;
import org.sovereignmesh.update.UpdateAgent;
import org.sovereignmesh.update.UpdateInfo;
import org.sovereignmesh.update.UpdateState;

/** {@code update:publish}, {@code update:list}, {@code update:status}, {@code update:rollback}, export and import. */
@Component(service = UpdateCommands.class, property = {"osgi.command.scope=update", "osgi.command.function=publish",
        "osgi.command.function=list", "osgi.command.function=status", "osgi.command.function=rollback",
        "osgi.command.function=export", "osgi.command.function=import"})
public final class UpdateCommands {
    private final UpdateAgent agent;
    private final Clock clock;

    @Activate
    public UpdateCommands(@Reference UpdateAgent agent) {
        this(agent, Clock.systemUTC());
    }

    UpdateCommands(UpdateAgent agent, Clock clock) {
        this.agent = agent;
        this.clock = clock;
    }

    @Descriptor("sign bundles (jars, or a feature's bundles) as an update for a group of nodes and offer it to them")
    public String publish(
            @Descriptor("the group of nodes the update is for") @Parameter(names = {"-g", "--group"}, absentValue = "") String group,
            @Descriptor("the update's name (default: the feature's artifact id, or the single bundle's symbolic name)")
            @Parameter(names = {"-n", "--name"}, absentValue = "") String name,
            @Descriptor("the update's version (default: the feature's, or the single bundle's version)")
            @Parameter(names = {"-v", "--version"}, absentValue = "") String version,
            @Descriptor("a feature file (OSGi Feature JSON, e.g. features/radio/target/feature.json) whose bundles to publish")
            @Parameter(names = {"-f", "--feature"}, absentValue = "") String feature,
            @Descriptor("folder in Maven layout holding the feature's bundles (default: repository/ beside the feature file)")
            @Parameter(names = {"-r", "--repository"}, absentValue = "") String repository,
            @Descriptor("bundle jars") String... jars) throws IOException {
        if (group.isEmpty()) {
            throw new IllegalArgumentException("give the target group: -g <group>");
        }
        List<Path> bundles = new ArrayList<>();
        for (String jar : jars) {
            bundles.add(Path.of(jar).toAbsolutePath());
        }
        if (!feature.isEmpty()) {
            FeatureFile f = FeatureFile.read(Path.of(feature).toAbsolutePath(),
                    repository.isEmpty() ? null : Path.of(repository).toAbsolutePath());
            bundles.addAll(f.bundles);
            name = name.isEmpty() ? f.artifactId : name;
            version = version.isEmpty() ? f.osgiVersion().toString() : version;
        } else if (bundles.isEmpty()) {
            throw new IllegalArgumentException("give bundle jars, or a feature with -f <feature.json>");
        } else if (bundles.size() == 1 && (name.isEmpty() || version.isEmpty())) {
            Jars.Identity id = Jars.identity(bundles.get(0));
            name = name.isEmpty() ? id.symbolicName() : name;
            version = version.isEmpty() ? id.version().toString() : version;
        }
        if (name.isEmpty() || version.isEmpty()) {
            throw new IllegalArgumentException("an update of several bundles needs a name (-n) and a version (-v)");
        }
        UpdateInfo published = agent.publish(name, version, group, bundles);
        return "published " + published.name() + " " + published.version() + " for group " + published.targetGroup()
                + " as " + published.id() + "\n" + String.join("\n", published.bundles());
    }

    @Descriptor("list the updates this node knows (published, offered, fetched, installed, refused) and the bundles installed updates put in")
    public String list(
            @Descriptor("only the updates") @Parameter(names = {"-a", "--available"}, presentValue = "true", absentValue = "false") boolean available,
            @Descriptor("only the installed bundles") @Parameter(names = {"-i", "--installed"}, presentValue = "true", absentValue = "false") boolean installed) {
        boolean both = available == installed;
        StringBuilder out = new StringBuilder();
        if (available || both) {
            List<UpdateInfo> updates = agent.updates();
            if (updates.isEmpty()) {
                out.append("no updates");
            } else {
                out.append(row("ID", "NAME", "VERSION", "GROUP", "STATE", "PROGRESS", "UPDATED", "DETAIL"));
                for (UpdateInfo u : updates) {
                    out.append('\n').append(row(u.id().substring(0, 12), u.name(), u.version(), u.targetGroup(),
                            u.state().toString(), progress(u), ago(u.updatedMillis()), u.detail().isEmpty() ? "-" : u.detail()));
                }
            }
        }
        if (installed || both) {
            if (out.length() > 0) {
                out.append("\n\n");
            }
            List<ManagedBundle> bundles = agent.installed();
            if (bundles.isEmpty()) {
                out.append("no bundles installed by updates");
            } else {
                out.append(row("BUNDLE", "VERSION", "UPDATE", "UPDATE VERSION", "ID"));
                for (ManagedBundle b : bundles) {
                    out.append('\n').append(row(b.symbolicName(), b.version(), b.updateName(), b.updateVersion(),
                            b.updateId().substring(0, 12)));
                }
            }
        }
        return out.toString();
    }

    @Descriptor("show updates in progress with their progress, or one update in detail (with what each node reported, for updates published here)")
    public String status(@Descriptor("an update id or its first characters (optional)") String... id) {
        if (id.length > 1) {
            throw new IllegalArgumentException("give at most one update id");
        }
        if (id.length == 1) {
            UpdateInfo u = agent.update(id[0]).orElseThrow(() -> new IllegalArgumentException("no update " + id[0] + " here"));
            StringBuilder out = new StringBuilder();
            out.append("update      ").append(u.id()).append('\n')
                    .append("name        ").append(u.name()).append(' ').append(u.version()).append('\n')
                    .append("group       ").append(u.targetGroup()).append('\n')
                    .append("publisher   ").append(u.publisher()).append('\n')
                    .append("bundles     ").append(String.join(", ", u.bundles())).append('\n')
                    .append("state       ").append(u.state()).append('\n')
                    .append("progress    ").append(progress(u)).append('\n')
                    .append("updated     ").append(ago(u.updatedMillis())).append('\n')
                    .append("detail      ").append(u.detail().isEmpty() ? "-" : u.detail());
            if (u.state() == UpdateState.PUBLISHED || !u.reports().isEmpty()) {
                out.append("\n\n");
                if (u.reports().isEmpty()) {
                    out.append("no node has reported on it yet");
                } else {
                    out.append(row("NODE", "STATE", "PROGRESS", "REPORTED", "DETAIL"));
                    for (PeerReport r : u.reports()) {
                        out.append('\n').append(row(r.peer().toString(), r.state().toString(),
                                progress(r.bytesDone(), r.bytesTotal()), ago(r.reportedMillis()),
                                r.detail().isEmpty() ? "-" : r.detail()));
                    }
                }
            }
            return out.toString();
        }
        List<UpdateInfo> active = agent.updates().stream().filter(u -> !u.state().isFinal()
                && u.state() != UpdateState.PUBLISHED).toList();
        List<UpdateInfo> published = agent.updates().stream().filter(u -> u.state() == UpdateState.PUBLISHED).toList();
        StringBuilder out = new StringBuilder();
        if (active.isEmpty()) {
            out.append("no update in progress");
        } else {
            out.append(row("ID", "NAME", "VERSION", "STATE", "PROGRESS", "DETAIL"));
            for (UpdateInfo u : active) {
                out.append('\n').append(row(u.id().substring(0, 12), u.name(), u.version(), u.state().toString(),
                        progress(u), u.detail().isEmpty() ? "-" : u.detail()));
            }
        }
        for (UpdateInfo u : published) {
            out.append("\npublished ").append(u.name()).append(' ').append(u.version()).append(" [")
                    .append(u.id(), 0, 12).append("]: ").append(summary(u.reports()));
        }
        return out.toString();
    }

    @Descriptor("undo the most recently installed update: its bundles go back to the ones it replaced")
    public String rollback() {
        UpdateInfo u = agent.rollback();
        return "rolling back " + u.name() + " " + u.version() + " [" + u.id().substring(0, 12) + "]; follow it with update:status "
                + u.id().substring(0, 12);
    }

    @Descriptor("write an update this node has in full to a file, to carry it to nodes the mesh does not reach")
    public String export(@Descriptor("update id or its first characters") String id, @Descriptor("file to write") String file)
            throws IOException {
        agent.export(id, Path.of(file).toAbsolutePath());
        return "wrote " + Path.of(file).toAbsolutePath();
    }

    @Descriptor("take an update from a file written by update:export; it is checked like one from the mesh")
    public String _import(@Descriptor("update file") String file) throws IOException {
        UpdateInfo u = agent.importUpdate(Path.of(file).toAbsolutePath());
        return u.name() + " " + u.version() + " [" + u.id().substring(0, 12) + "]: " + u.state()
                + (u.detail().isEmpty() ? "" : " (" + u.detail() + ")");
    }

    private static String summary(List<PeerReport> reports) {
        if (reports.isEmpty()) {
            return "no reports yet";
        }
        java.util.Map<UpdateState, Long> counts = new java.util.TreeMap<>();
        for (PeerReport r : reports) {
            counts.merge(r.state(), 1L, Long::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((state, n) -> parts.add(n + " " + state));
        return String.join(", ", parts);
    }

    private static String progress(UpdateInfo u) {
        return progress(u.bytesDone(), u.bytesTotal());
    }

    static String progress(long done, long total) {
        if (total <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%d%% (%s of %s)", done * 100 / total, size(done), size(total));
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private String ago(long millis) {
        long seconds = Math.max(0, (clock.millis() - millis) / 1000);
        if (seconds < 60) {
            return seconds + "s ago";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m ago";
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h ago";
        }
        return seconds / 86400 + "d ago";
    }

    /** One line of a table: columns padded to fixed widths that fit ids, names and states. */
    private static String row(String... cells) {
        int[] widths = {12, 28, 16, 12, 12, 24, 9};
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(cells[i]);
            if (i < cells.length - 1) {
                int width = i < widths.length ? widths[i] : 12;
                line.append(" ".repeat(Math.max(2, width + 2 - cells[i].length())));
            }
        }
        return line.toString();
    }
}
