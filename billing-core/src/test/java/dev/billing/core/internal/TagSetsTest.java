package dev.billing.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tag sets looked up at once by several writers, through the shared identity cache and past it. */
class TagSetsTest {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void writersAtOnceGetOneIdPerDistinctSetAndItsSetBack(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        // more distinct sets than cache slots, each as several equal map instances: hits, misses and evictions
        List<Map<String, String>> maps = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            int team = random.nextInt(100);
            int env = random.nextInt(100);
            maps.add(Map.of("team", "team-" + team, "env", "env-" + env));
        }
        TagSets sets = new TagSets();
        int writers = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                long writerSeed = random.nextLong();
                results.add(pool.submit(() -> {
                    start.await();
                    SplittableRandom order = new SplittableRandom(writerSeed);
                    int[] ids = new int[maps.size()];
                    for (int pass = 0; pass < 3; pass++) {
                        for (int k = 0; k < maps.size(); k++) {
                            int i = order.nextInt(maps.size());
                            int id = sets.id(maps.get(i));
                            assertThat(sets.get(id)).isEqualTo(maps.get(i));
                            ids[i] = id;
                        }
                    }
                    return ids;
                }));
            }
            start.countDown();
            for (Future<int[]> f : results) {
                int[] ids = f.get();
                for (int i = 0; i < maps.size(); i++) {
                    if (ids[i] != 0) {
                        assertThat(sets.get(ids[i])).isEqualTo(maps.get(i));
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sets.size()).isEqualTo(1 + (int) maps.stream().distinct().count());
        assertThat(sets.id(Map.of())).isZero();
        for (Map<String, String> m : maps) {
            assertThat(sets.id(Map.copyOf(m))).isEqualTo(sets.id(m));
        }
    }
}
