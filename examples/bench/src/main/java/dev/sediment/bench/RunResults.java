package dev.sediment.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The rows of one benchmark run, as its {@code results.csv} holds them, and the look-ups the report, the median of
 * several runs and the scale comparison all make: a workload's row, a store's last store-layer row (where its peak
 * and end-state figures are), and the bytes written and handed over all store-layer workloads.
 */
record RunResults(List<Measurement> rows) {

    /** A run's {@code results.csv}, or the file itself. */
    static RunResults read(Path runOrCsv) throws IOException {
        Path csv = Files.isDirectory(runOrCsv) ? runOrCsv.resolve("results.csv") : runOrCsv;
        List<Measurement> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            if (!line.isBlank() && !line.equals(Measurement.CSV_HEADER)) {
                rows.add(Measurement.parseCsv(line));
            }
        }
        return new RunResults(rows);
    }

    Optional<Measurement> find(String part, StoreKind store, String workload) {
        return rows.stream().filter(r -> r.part().equals(part) && r.store() == store && r.workload().equals(workload))
                .findFirst();
    }

    /** A store's last store-layer row: its peak figures and its end state are the run's. */
    Optional<Measurement> lastStoreRow(StoreKind store) {
        return rows.stream().filter(r -> r.part().equals("store") && r.store() == store).reduce((a, b) -> b);
    }

    /** Bytes the store's JVM wrote over the store-layer workloads (mix-write shares mix-read's figure). */
    Optional<Long> storeWrittenBytes(StoreKind store) {
        return storeRowsWithWrites(store).map(Measurement::writtenBytes).reduce(Long::sum);
    }

    /** Key and value bytes handed to the store by the workloads {@link #storeWrittenBytes} adds up. */
    Optional<Long> storeUserBytes(StoreKind store) {
        return storeRowsWithWrites(store).map(Measurement::userBytes).reduce(Long::sum);
    }

    private Stream<Measurement> storeRowsWithWrites(StoreKind store) {
        return rows.stream().filter(r -> r.part().equals("store") && r.store() == store && r.writtenBytes() >= 0
                && !r.workload().equals("mix-write"));
    }
}
