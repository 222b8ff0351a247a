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

    @Test
    @Timeout(120)
    void endToEndSetup_onSmallData_findsEveryContenderAgreeing() {
        EndToEndBenchmark.Data data = new EndToEndBenchmark.Data();
        data.rows = 20_000;

        assertThatCode(data::setUp).doesNotThrowAnyException();
    }

    @Test
    @Timeout(120)
    void peakHeap_onSmallData_measuresBothHolders() {
        PeakHeap.Result r = PeakHeap.measureInProcess(new EndToEndData(20_000, 200, 10, 18));

        org.assertj.core.api.Assertions.assertThat(r.listBytes()).isPositive();
        org.assertj.core.api.Assertions.assertThat(r.liveCells()).isPositive();
    }
}
