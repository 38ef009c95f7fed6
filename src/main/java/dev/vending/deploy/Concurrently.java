package dev.vending.deploy;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import dev.vending.failure.Failure;

/**
 * Independent AWS look-ups run side by side: each on its own daemon thread (the common fork-join
 * pool has one thread on a 2-core machine, and these threads only wait on the network).
 */
final class Concurrently {
    private Concurrently() {
    }

    static <T> Future<T> start(String name, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, "vending-" + name);
        t.setDaemon(true);
        t.start();
        return task;
    }

    /** The result, with the look-up's own exception rethrown as it was. */
    static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Failure.Kind.INTERRUPTED, "interrupted", e);
        }
    }
}
