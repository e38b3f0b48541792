package io.sluice.interop;

import io.pravega.client.EventStreamClientFactory;
import io.pravega.client.admin.ReaderGroupManager;
import io.pravega.client.stream.ReaderGroupConfig;
import io.pravega.client.stream.Stream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.readAll;
import static io.sluice.interop.Interop.unique;
import static io.sluice.interop.Interop.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-client check: reads the events the Go client wrote (SLUICE_CROSS_FROMGO, "scope/stream", events
 * "key:seq") and writes events for the Go client to read (SLUICE_CROSS_FROMJAVA). The Go interop driver
 * sets both; without them the test is skipped.
 */
@Timeout(120)
class CrossClientTest {
    @Test
    void readsGoEventsAndWritesForGo() {
        String fromGo = System.getenv("SLUICE_CROSS_FROMGO");
        String fromJava = System.getenv("SLUICE_CROSS_FROMJAVA");
        Assumptions.assumeTrue(fromGo != null && fromJava != null, "not run by the Go interop driver");
        int events = Integer.parseInt(System.getenv("SLUICE_CROSS_EVENTS"));

        String[] in = fromGo.split("/");
        try (EventStreamClientFactory f = EventStreamClientFactory.withScope(in[0], CLIENT);
             ReaderGroupManager rgm = ReaderGroupManager.withScope(in[0], CLIENT)) {
            String group = unique("cross");
            rgm.createReaderGroup(group, ReaderGroupConfig.builder().stream(Stream.of(in[0], in[1]))
                    .disableAutomaticCheckpoints().build());
            List<String> got = readAll(f, group, events, Duration.ofSeconds(60));
            assertEquals(events, got.size(), "events the Go client wrote, read by Java");
            Map<String, Integer> last = new HashMap<>();
            for (String e : got) {
                String[] kv = e.split(":");
                int seq = Integer.parseInt(kv[1]);
                assertTrue(seq > last.getOrDefault(kv[0], -1), "key " + kv[0] + ": " + seq + " out of order");
                last.put(kv[0], seq);
            }
            rgm.deleteReaderGroup(group);
        }

        String[] out = fromJava.split("/");
        List<String[]> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            String key = "key-" + (i % 10);
            batch.add(new String[] {key, key + ":" + i});
        }
        try (EventStreamClientFactory f = EventStreamClientFactory.withScope(out[0], CLIENT)) {
            writeAll(f, out[1], batch);
        }
    }
}
