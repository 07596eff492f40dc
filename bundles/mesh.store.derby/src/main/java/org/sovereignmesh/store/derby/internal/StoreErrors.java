package org.sovereignmesh.store.derby.internal;

import java.nio.file.Path;
import java.sql.SQLException;

import org.sovereignmesh.store.StoreException;
import org.sovereignmesh.store.StoreException.Reason;

/** Turns Derby's SQL states into errors an operator can act on: what is wrong with which directory, and what to do. */
final class StoreErrors {
    private StoreErrors() {
    }

    static StoreException translate(Path directory, String doing, SQLException e) {
        SQLException root = innermost(e);
        String state = root.getSQLState() == null ? "" : root.getSQLState();
        String derby = " (Derby " + state + ": " + root.getMessage() + ")";
        if (containsState(e, "XSDB6")) {
            return new StoreException(Reason.LOCKED, "the store " + directory + " is in use by another process"
                    + " (another node with the same mesh.home?): stop that process, or give this node its own"
                    + " mesh.home" + derby, e);
        }
        if (containsState(e, "XBM06") || containsState(e, "XBCXK") || containsState(e, "XBCXL")) {
            return new StoreException(Reason.WRONG_KEY, "the store " + directory + " cannot be decrypted with this"
                    + " node's keys (it belongs to another identity, or the key store was replaced): restore the"
                    + " matching key store, or move the directory aside to start with an empty store" + derby, e);
        }
        if (isCorruption(e)) {
            return new StoreException(Reason.CORRUPTED, "the store " + directory + " is damaged while " + doing
                    + ": restore it from a backup, or move the directory aside to start with an empty store (the"
                    + " node then re-learns peers and DHT records from the network)" + derby, e);
        }
        if (state.equals("08003") || state.equals("08006") || state.equals("XJ004") || state.equals("XJ015")) {
            return new StoreException(Reason.CLOSED, "the store " + directory + " is closed" + derby, e);
        }
        return new StoreException(Reason.IO, "the store " + directory + " failed while " + doing + derby, e);
    }

    /** Storage-layer states: damaged pages, log or container files, or a database that cannot be recovered. */
    private static boolean isCorruption(SQLException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SQLException) {
                String s = ((SQLException) t).getSQLState();
                if (s != null && (s.startsWith("XSDG") || s.startsWith("XSDB") || s.startsWith("XSLA")
                        || s.startsWith("XSLB") || s.startsWith("XSDF") || s.startsWith("XSTB")
                        || s.startsWith("XSAI") || s.startsWith("XSRS") || s.startsWith("XSCH")
                        || s.startsWith("XSCB") || s.startsWith("XBM0") || s.equals("XJ040") && t.getCause() == null
                        && ((SQLException) t).getNextException() == null)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean containsState(SQLException e, String state) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SQLException && state.equals(((SQLException) t).getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static SQLException innermost(SQLException e) {
        SQLException found = e;
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof SQLException) {
                found = (SQLException) t;
            }
        }
        return found;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException && ((SQLException) t).getNextException() != null
                && ((SQLException) t).getNextException() != t) {
            return ((SQLException) t).getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }
}
