package org.sovereignmesh.update.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.Version;
import org.sovereignmesh.api.PeerId;
import org.sovereignmesh.update.UpdateState;

/**
 * What the update agent keeps across restarts, as text (one record a line, fields separated by spaces, free text
 * URL-encoded). Written whole and atomically by {@link UpdateStore}. Mutable; confined to the agent's thread.
 *
 * <pre>
 * sovereign-mesh updates 1
 * update &lt;id&gt; &lt;PUBLISHED|RECEIVED&gt; &lt;state&gt; &lt;millis&gt; &lt;source|-&gt; &lt;bytes done&gt; &lt;bytes total&gt; &lt;detail&gt;
 * report &lt;id&gt; &lt;peer&gt; &lt;state&gt; &lt;millis&gt; &lt;bytes done&gt; &lt;bytes total&gt; &lt;detail&gt;
 * applied &lt;id&gt;                       an installed update, oldest first (the rollback stack)
 * pending &lt;id&gt;                       an installation that had begun and not ended
 * change &lt;id&gt; &lt;bundle&gt; &lt;version&gt; &lt;sha-256&gt; &lt;previous version|-&gt; &lt;previous sha-256|-&gt;
 * subscriber &lt;peer&gt;                  a node that asked this one for updates
 * </pre>
 */
final class AgentState {
    static final String HEADER = "sovereign-mesh updates 1";

    enum Role {
        PUBLISHED, RECEIVED
    }

    /** One update this node knows. */
    static final class Record {
        final String id;
        final Role role;
        UpdateState state;
        String detail;
        long updatedMillis;
        PeerId source;
        long bytesDone;
        long bytesTotal;
        /** For published updates: what each node reported. */
        final Map<PeerId, Report> reports = new LinkedHashMap<>();

        Record(String id, Role role, UpdateState state, String detail, long updatedMillis, PeerId source) {
            this.id = id;
            this.role = role;
            this.state = state;
            this.detail = detail;
            this.updatedMillis = updatedMillis;
            this.source = source;
        }
    }

    record Report(UpdateState state, long millis, long bytesDone, long bytesTotal, String detail) {
    }

    /** One bundle an installation changed, and what it was before ({@code previousVersion} null: not installed). */
    record Change(String symbolicName, Version version, String sha256, Version previousVersion, String previousSha256) {
        boolean wasInstalled() {
            return previousVersion != null;
        }
    }

    /** The changes of one installation. */
    record Installation(String id, List<Change> changes) {
    }

    final Map<String, Record> records = new LinkedHashMap<>();
    /** Installed updates, oldest first. */
    final List<Installation> applied = new ArrayList<>();
    /** An installation that had begun (its previous jars saved) and not ended. */
    Installation pending;
    final Set<PeerId> subscribers = new LinkedHashSet<>();

    String write() {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Record r : records.values()) {
            out.append("update ").append(r.id).append(' ').append(r.role).append(' ').append(r.state).append(' ')
                    .append(r.updatedMillis).append(' ').append(r.source == null ? "-" : r.source.toString()).append(' ')
                    .append(r.bytesDone).append(' ').append(r.bytesTotal).append(' ').append(text(r.detail)).append('\n');
            for (Map.Entry<PeerId, Report> e : r.reports.entrySet()) {
                Report p = e.getValue();
                out.append("report ").append(r.id).append(' ').append(e.getKey()).append(' ').append(p.state).append(' ')
                        .append(p.millis).append(' ').append(p.bytesDone).append(' ').append(p.bytesTotal).append(' ')
                        .append(text(p.detail)).append('\n');
            }
        }
        for (Installation i : applied) {
            writeInstallation(out, "applied", i);
        }
        if (pending != null) {
            writeInstallation(out, "pending", pending);
        }
        for (PeerId s : subscribers) {
            out.append("subscriber ").append(s).append('\n');
        }
        return out.toString();
    }

    private static void writeInstallation(StringBuilder out, String kind, Installation i) {
        out.append(kind).append(' ').append(i.id).append('\n');
        for (Change c : i.changes) {
            out.append("change ").append(i.id).append(' ').append(c.symbolicName).append(' ').append(c.version)
                    .append(' ').append(c.sha256).append(' ')
                    .append(c.previousVersion == null ? "-" : c.previousVersion.toString()).append(' ')
                    .append(c.previousSha256 == null ? "-" : c.previousSha256).append('\n');
        }
    }

    /** @throws MalformedUpdateException naming the line that cannot be read */
    static AgentState read(String text) throws MalformedUpdateException {
        AgentState state = new AgentState();
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].equals(HEADER)) {
            throw new MalformedUpdateException("line 1: expected '" + HEADER + "'");
        }
        Map<String, List<Change>> changes = new LinkedHashMap<>();
        List<String> appliedIds = new ArrayList<>();
        String pendingId = null;
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n];
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "update" -> {
                        expect(f, 9);
                        Record r = new Record(f[1], Role.valueOf(f[2]), UpdateState.valueOf(f[3]), untext(f[8]),
                                Long.parseLong(f[4]), f[5].equals("-") ? null : PeerId.parse(f[5]));
                        r.bytesDone = Long.parseLong(f[6]);
                        r.bytesTotal = Long.parseLong(f[7]);
                        state.records.put(r.id, r);
                    }
                    case "report" -> {
                        expect(f, 8);
                        Record r = state.records.get(f[1]);
                        if (r == null) {
                            throw new IllegalArgumentException("report for unknown update " + f[1]);
                        }
                        r.reports.put(PeerId.parse(f[2]), new Report(UpdateState.valueOf(f[3]), Long.parseLong(f[4]),
                                Long.parseLong(f[5]), Long.parseLong(f[6]), untext(f[7])));
                    }
                    case "applied" -> {
                        expect(f, 2);
                        appliedIds.add(f[1]);
                    }
                    case "pending" -> {
                        expect(f, 2);
                        pendingId = f[1];
                    }
                    case "change" -> {
                        expect(f, 7);
                        changes.computeIfAbsent(f[1], k -> new ArrayList<>()).add(new Change(f[2],
                                Version.parseVersion(f[3]), f[4], f[5].equals("-") ? null : Version.parseVersion(f[5]),
                                f[6].equals("-") ? null : f[6]));
                    }
                    case "subscriber" -> {
                        expect(f, 2);
                        state.subscribers.add(PeerId.parse(f[1]));
                    }
                    default -> throw new IllegalArgumentException("unknown record '" + f[0] + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new MalformedUpdateException("line " + (n + 1) + ": " + e.getMessage());
            }
        }
        for (String id : appliedIds) {
            state.applied.add(new Installation(id, List.copyOf(changes.getOrDefault(id, List.of()))));
        }
        if (pendingId != null) {
            state.pending = new Installation(pendingId, List.copyOf(changes.getOrDefault(pendingId, List.of())));
        }
        return state;
    }

    private static void expect(String[] fields, int count) {
        if (fields.length != count) {
            throw new IllegalArgumentException("'" + fields[0] + "' has " + fields.length + " fields, expected " + count);
        }
    }

    private static String text(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        return s.equals("-") ? "%2D" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String untext(String s) {
        return s.equals("-") ? "" : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
