package io.sluice.interop;

import io.pravega.client.EventStreamClientFactory;
import io.pravega.client.admin.ReaderGroupManager;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.stream.EventRead;
import io.pravega.client.stream.EventStreamReader;
import io.pravega.client.stream.EventStreamWriter;
import io.pravega.client.stream.EventWriterConfig;
import io.pravega.client.stream.ReaderConfig;
import io.pravega.client.stream.ReaderGroupConfig;
import io.pravega.client.stream.ScalingPolicy;
import io.pravega.client.stream.Stream;
import io.pravega.client.stream.StreamConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.UTF8;
import static io.sluice.interop.Interop.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Auto-scaling with the real Java client: a stream scaled by event rate (target 100 events/s, scale factor 2)
 * gets 10x its target from an EventStreamWriter over 200 routing keys and splits; when the load drops it
 * merges. A reader group of two readers then reads every event exactly once, each key's events in order.
 * The interop driver starts Sluice with short auto-scaling windows (2 s), so this takes well under a minute.
 */
@Timeout(240)
class AutoScaleTest {
    private static final int KEYS = 200;

    @Test
    void splitsAndMergesWhileJavaWritersAndReadersFollow() throws Exception {
        String scope = unique("j-auto");
        String stream = "load";
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            assertTrue(mgr.createScope(scope));
            assertTrue(mgr.createStream(scope, stream, StreamConfiguration.builder()
                    .scalingPolicy(ScalingPolicy.byEventRate(100, 2, 1)).build()));
            int[] seq = new int[KEYS];
            try (EventStreamClientFactory f = EventStreamClientFactory.withScope(scope, CLIENT);
                 EventStreamWriter<String> w = f.createEventWriter(stream, UTF8, EventWriterConfig.builder().build())) {
                long began = System.nanoTime();
                int peak = writeUntil(mgr, scope, stream, w, seq, 1000, 60, n -> n >= 4);
                double split = (System.nanoTime() - began) / 1e9;
                System.out.printf("AutoScaleTest: %d segments %.1f s after a 10x step%n", peak, split);
                assertTrue(peak >= 4, "the stream did not split under 10x its target: " + peak + " segments");
                int low = writeUntil(mgr, scope, stream, w, seq, 20, 60, n -> n < peak);
                System.out.printf("AutoScaleTest: %d segments after the load dropped%n", low);
                assertTrue(low < peak, "the stream did not merge after the load dropped");
                w.flush();
            }
            assertTrue(mgr.sealStream(scope, stream));
            readEverythingInOrder(scope, stream, seq);
        }
    }

    interface Count {
        boolean done(int segments);
    }

    /** Writes at `rate` events/s over the keys until `done` says so or `limitSeconds` pass; returns the
     * number of active segments at the end. */
    private static int writeUntil(StreamManager mgr, String scope, String stream, EventStreamWriter<String> w,
                                  int[] seq, int rate, int limitSeconds, Count done) throws Exception {
        long start = System.nanoTime();
        long sent = 0;
        int next = 0;
        int segments = activeSegments(mgr, scope, stream);
        long lastCheck = start;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(limitSeconds)) {
            long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
            for (; sent < due; sent++) {
                int k = next++ % KEYS;
                seq[k]++;
                w.writeEvent("key-" + k, k + ":" + seq[k]);
            }
            if (System.nanoTime() - lastCheck > TimeUnit.MILLISECONDS.toNanos(250)) {
                lastCheck = System.nanoTime();
                segments = activeSegments(mgr, scope, stream);
                if (done.done(segments)) {
                    return segments;
                }
            }
            Thread.sleep(5);
        }
        return segments;
    }

    private static int activeSegments(StreamManager mgr, String scope, String stream) throws Exception {
        return mgr.fetchStreamInfo(scope, stream).get(10, TimeUnit.SECONDS)
                .getTailStreamCut().asImpl().getPositions().size();
    }

    private static void readEverythingInOrder(String scope, String stream, int[] seq) throws Exception {
        int total = 0;
        for (int n : seq) {
            total += n;
        }
        String group = unique("auto-rg");
        ConcurrentLinkedQueue<String> got = new ConcurrentLinkedQueue<>();
        try (EventStreamClientFactory f = EventStreamClientFactory.withScope(scope, CLIENT);
             ReaderGroupManager rgm = ReaderGroupManager.withScope(scope, CLIENT)) {
            // The Java reader moves on to a sealed segment's successors only after a checkpoint (Pravega 0.13
            // releases sealed segments at checkpoints), so the group checkpoints every second.
            rgm.createReaderGroup(group, ReaderGroupConfig.builder().stream(Stream.of(scope, stream))
                    .automaticCheckpointIntervalMillis(1000).build());
            List<CompletableFuture<Void>> readers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                EventStreamReader<String> r = f.createReader("reader-" + i, group, UTF8, ReaderConfig.builder().build());
                readers.add(CompletableFuture.runAsync(() -> {
                    try (r) {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                        while (System.nanoTime() < deadline) {
                            EventRead<String> e = r.readNextEvent(1000);
                            if (e.getEvent() != null) {
                                got.add(e.getEvent());
                            } else if (e.isReadCompleted()) {
                                return; // the sealed stream is read to its end
                            }
                        }
                    }
                }));
            }
            CompletableFuture.allOf(readers.toArray(new CompletableFuture[0])).get(180, TimeUnit.SECONDS);
            rgm.deleteReaderGroup(group);
        }
        assertEquals(total, got.size(), "events read by the group");
        Map<Integer, Integer> last = new HashMap<>();
        for (String e : got) {
            String[] kv = e.split(":");
            int k = Integer.parseInt(kv[0]);
            int s = Integer.parseInt(kv[1]);
            int want = last.getOrDefault(k, 0) + 1;
            assertEquals(want, s, "key " + k + ": event " + s + " where " + want + " was due (lost, duplicated or out of order)");
            last.put(k, s);
        }
        System.out.printf("AutoScaleTest: %d events over %d keys read exactly once, in order per key%n", total, KEYS);
    }
}
