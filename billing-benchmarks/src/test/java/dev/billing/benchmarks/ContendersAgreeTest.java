package dev.billing.benchmarks;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class ContendersAgreeTest {

    @Test
    void kernelSetup_onSmallData_findsEveryContenderAgreeing() throws Exception {
        KernelBenchmark.Data data = new KernelBenchmark.Data();
        data.rows = 20_000;
        data.accounts = 50;

        assertThatCode(data::setUp).doesNotThrowAnyException();
        data.tearDown();
    }
}
