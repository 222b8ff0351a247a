package dev.billing.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BoundedTest {

    @Test
    void runAll_manySynchronousTasks_doNotOverflowTheStack() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        List<Supplier<CompletableFuture<?>>> tasks = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            int n = i;
            tasks.add(() -> {
                ran.incrementAndGet();
                return n % 2 == 0 ? CompletableFuture.completedFuture(n)
                        : CompletableFuture.failedFuture(new IllegalStateException("task " + n));
            });
        }

        Bounded.runAll(tasks, 4).get(5, TimeUnit.SECONDS);

        assertThat(ran).hasValue(100_000);
    }

    @Test
    void runAll_asynchronousTasks_neverExceedTheLimitAndAllRun() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger max = new AtomicInteger();
            AtomicInteger ran = new AtomicInteger();
            List<Supplier<CompletableFuture<?>>> tasks = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                tasks.add(() -> {
                    max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    return CompletableFuture.runAsync(() -> {
                        sleep(5);
                        ran.incrementAndGet();
                        inFlight.decrementAndGet();
                    }, pool);
                });
            }

            Bounded.runAll(tasks, 3).get(5, TimeUnit.SECONDS);

            assertThat(ran).hasValue(40);
            assertThat(max.get()).isBetween(2, 3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runAll_manyAsynchronousTasksCompletedOnOneThread_finish() throws Exception {
        ExecutorService single = Executors.newSingleThreadExecutor();
        try {
            AtomicInteger ran = new AtomicInteger();
            List<Supplier<CompletableFuture<?>>> tasks = Collections.nCopies(20_000,
                    () -> CompletableFuture.runAsync(ran::incrementAndGet, (Executor) single));

            Bounded.runAll(tasks, 2).get(5, TimeUnit.SECONDS);

            assertThat(ran).hasValue(20_000);
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void runAll_tasksThatThrowOrFail_countAsDone() throws Exception {
        List<Supplier<CompletableFuture<?>>> tasks = List.of(
                () -> {
                    throw new IllegalStateException("thrown");
                },
                () -> CompletableFuture.failedFuture(new IllegalStateException("failed")),
                () -> CompletableFuture.supplyAsync(() -> {
                    throw new IllegalStateException("failed later");
                }));

        CompletableFuture<Void> all = Bounded.runAll(tasks, 2);

        assertThat(all.get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void runAll_noTasks_completesAtOnce() {
        assertThat(Bounded.runAll(List.of(), 1)).isCompleted();
    }

    @Test
    void runAll_limitBelowOne_isRefused() {
        assertThatThrownBy(() -> Bounded.runAll(List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be at least 1, got 0");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
