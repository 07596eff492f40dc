package org.sovereignmesh.shell.internal;

import java.io.Console;
import java.io.FileInputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * A {@code mesh>} prompt on the terminal the node was started from. When standard input is not a terminal
 * (services, pipes, tests) it does nothing, so a closed stdin never stops the node.
 */
@Component(immediate = true)
public final class InteractiveConsole {
    private static final System.Logger LOG = System.getLogger(InteractiveConsole.class.getName());

    private final Thread thread;

    @Activate
    public InteractiveConsole(@Reference CommandProcessor processor) {
        if (!onTerminal()) {
            thread = null;
            return;
        }
        thread = new Thread(() -> {
            try {
                Console console = System.console();
                CommandLoop.run(processor, new FileInputStream(FileDescriptor.in), console.reader(), System.out,
                        "mesh> ");
            } catch (IOException e) {
                LOG.log(Level.WARNING, "console stopped: " + e.getMessage());
            }
        }, "mesh-console");
        thread.setDaemon(true);
        thread.start();
    }

    @Deactivate
    void deactivate() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** @return whether standard input and output are an interactive terminal */
    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22+ returns a console even when redirected; it then tells whether it is a terminal
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
