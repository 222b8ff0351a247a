package dev.billing.benchmarks;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

    @Test
    void parseSetup_onSmallData_findsEveryParserReadingTheSameTotal() {
        ParseBenchmark.Pages pages = new ParseBenchmark.Pages();
        pages.bytes = 500_000;

        assertThatCode(pages::setUp).doesNotThrowAnyException();
    }

    @Test
    @Timeout(60)
    void fetchSetup_againstTheSimulator_findsEveryContenderFetchingTheSameTotal() {
        FetchBenchmark.Setting setting = new FetchBenchmark.Setting();
        setting.accountCount = 40;

        assertThatCode(setting::setUp).doesNotThrowAnyException();
        setting.tearDown();
    }
}
