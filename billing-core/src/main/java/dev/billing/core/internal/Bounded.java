package dev.billing.core.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Runs asynchronous tasks with at most a given number in flight, without blocking a thread. */
public final class Bounded {
    private final List<Supplier<CompletableFuture<?>>> tasks;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final CompletableFuture<Void> all = new CompletableFuture<>();

    private Bounded(List<Supplier<CompletableFuture<?>>> tasks) {
        this.tasks = tasks;
    }

    /**
     * @param tasks each starts one task; a task's failure is its own business (it counts as done)
     * @param limit the most tasks in flight at once, at least 1
     * @return completes when every task has completed
     */
    public static CompletableFuture<Void> runAll(List<Supplier<CompletableFuture<?>>> tasks, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        Bounded run = new Bounded(List.copyOf(tasks));
        if (tasks.isEmpty()) {
            run.all.complete(null);
        }
        for (int lane = 0; lane < Math.min(limit, tasks.size()); lane++) {
            run.startNext();
        }
        return run.all;
    }

    private void startNext() {
        // Loops instead of recursing while tasks complete synchronously, so the stack stays flat.
        while (true) {
            int i = next.getAndIncrement();
            if (i >= tasks.size()) {
                return;
            }
            CompletableFuture<?> task;
            try {
                task = tasks.get(i).get();
            } catch (RuntimeException | Error e) {
                task = CompletableFuture.failedFuture(e);
            }
            if (!task.isDone()) {
                task.whenComplete((r, e) -> {
                    finishOne();
                    startNext();
                });
                return;
            }
            finishOne();
        }
    }

    private void finishOne() {
        if (done.incrementAndGet() == tasks.size()) {
            all.complete(null);
        }
    }
}
