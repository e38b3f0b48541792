package io.sluice.interop;

import io.pravega.client.EventStreamClientFactory;
import io.pravega.client.admin.ReaderGroupManager;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.stream.Checkpoint;
import io.pravega.client.stream.EventRead;
import io.pravega.client.stream.EventStreamReader;
import io.pravega.client.stream.ReaderConfig;
import io.pravega.client.stream.ReaderGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.UTF8;
import static io.sluice.interop.Interop.readerGroup;
import static io.sluice.interop.Interop.scopeWithStream;
import static io.sluice.interop.Interop.unique;
import static io.sluice.interop.Interop.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reader group with two readers on two threads, and a checkpoint taken while they read. */
@Timeout(180)
class ReaderGroupCheckpointTest {
    @Test
    void twoReadersAndCheckpoint() throws Exception {
        int events = 4000;
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            String scope = scopeWithStream(mgr, "j-rg", "rg", 4);
            ScheduledExecutorService exec = Executors.newScheduledThreadPool(2);
            try (EventStreamClientFactory f = EventStreamClientFactory.withScope(scope, CLIENT);
                 ReaderGroupManager rgm = ReaderGroupManager.withScope(scope, CLIENT)) {
                List<String[]> batch = new ArrayList<>();
                for (int i = 0; i < events; i++) {
                    batch.add(new String[] {"k" + (i % 16), "ev-" + i});
                }
                writeAll(f, "rg", batch);

                String group = unique("rg");
                readerGroup(rgm, group, scope, "rg");
                ReaderGroup rg = rgm.getReaderGroup(group);

                ConcurrentLinkedQueue<String> got = new ConcurrentLinkedQueue<>();
                List<String> checkpointsSeen = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger perReader0 = new AtomicInteger();
                AtomicInteger perReader1 = new AtomicInteger();
                // Both readers join before either reads, so the group splits the four segments between them.
                EventStreamReader<String> r0 = f.createReader("reader-0", group, UTF8, ReaderConfig.builder().build());
                EventStreamReader<String> r1 = f.createReader("reader-1", group, UTF8, ReaderConfig.builder().build());
                CompletableFuture<Void> t0 = CompletableFuture.runAsync(() -> read(r0, got, checkpointsSeen, perReader0, events));
                CompletableFuture<Void> t1 = CompletableFuture.runAsync(() -> read(r1, got, checkpointsSeen, perReader1, events));

                Checkpoint cp = rg.initiateCheckpoint("cp-1", exec).get(60, TimeUnit.SECONDS);
                assertEquals("cp-1", cp.getName());
                CompletableFuture.allOf(t0, t1).get(120, TimeUnit.SECONDS);
                r0.close();
                r1.close();

                assertEquals(events, got.size(), "events read by both readers together");
                assertEquals(events, new HashSet<>(got).size(), "an event was read twice");
                assertEquals(2, checkpointsSeen.size(), "each reader sees the checkpoint once: " + checkpointsSeen);
                assertTrue(perReader0.get() > 0 && perReader1.get() > 0,
                        "both readers read: " + perReader0.get() + " / " + perReader1.get());
                // The checkpoint has a position for every segment of the stream.
                assertEquals(4, cp.asImpl().getPositions().values().stream().mapToInt(c -> c.asImpl().getPositions().size()).sum());
                rgm.deleteReaderGroup(group);
            } finally {
                exec.shutdownNow();
            }
        }
    }

    private static void read(EventStreamReader<String> r, ConcurrentLinkedQueue<String> got, List<String> cps,
                             AtomicInteger mine, int total) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
        int idle = 0;
        // Read until every event is in and this reader has passed the checkpoint, then two idle polls more.
        while (System.nanoTime() < deadline && idle < 2) {
            EventRead<String> e = r.readNextEvent(1000);
            if (e.isCheckpoint()) {
                cps.add(e.getCheckpointName());
            } else if (e.getEvent() != null) {
                got.add(e.getEvent());
                mine.incrementAndGet();
            } else if (got.size() >= total && cps.size() >= 2) {
                idle++;
            }
        }
    }
}
