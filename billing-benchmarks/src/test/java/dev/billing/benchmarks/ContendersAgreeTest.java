package dev.billing.benchmarks;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class ContendersAgreeTest {

    @Test
    void kernelSetup_onSmallData_findsEveryContenderAgreeing() {
        KernelBenchmark.Data data = new KernelBenchmark.Data();
        data.rows = 20_000;
        data.accounts = 50;

        assertThatCode(data::setUp).doesNotThrowAnyException();
    }

    @Test
    void rollupSetup_onSmallData_findsOursAgreeingWithDuckDb() {
        RollupBenchmark.Data data = new RollupBenchmark.Data();
        data.rows = 20_000;
        data.accounts = 200;

        assertThatCode(data::setUp).doesNotThrowAnyException();
    }
}
