package io.sluice.interop;

import io.pravega.client.EventStreamClientFactory;
import io.pravega.client.admin.ReaderGroupManager;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.stream.EventRead;
import io.pravega.client.stream.EventStreamReader;
import io.pravega.client.stream.EventStreamWriter;
import io.pravega.client.stream.EventWriterConfig;
import io.pravega.client.stream.ReaderConfig;
import io.pravega.client.stream.Stream;
import io.pravega.client.stream.TimeWindow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.UTF8;
import static io.sluice.interop.Interop.readerGroup;
import static io.sluice.interop.Interop.scopeWithStream;
import static io.sluice.interop.Interop.unique;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Watermarks: a writer with automaticallyNoteTime off reports event time with noteTime; the controller turns
 * the reports into watermarks (periodically, every 10 s in Pravega); a reader's getCurrentTimeWindow then
 * bounds the time of the events around its position.
 */
@Timeout(150)
class WatermarkTest {
    static final long BASE = 1_700_000_000_000L;
    static final int WRITE_SECONDS = 25;

    @Test
    void noteTimeGivesReaderTimeWindow() throws Exception {
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            String scope = scopeWithStream(mgr, "j-wm", "wm", 2);
            Stream stream = Stream.of(scope, "wm");
            try (EventStreamClientFactory f = EventStreamClientFactory.withScope(scope, CLIENT);
                 ReaderGroupManager rgm = ReaderGroupManager.withScope(scope, CLIENT);
                 EventStreamWriter<String> w = f.createEventWriter("wm", UTF8,
                         EventWriterConfig.builder().automaticallyNoteTime(false).build())) {
                // Write and note time (1 s of event time per round) for WRITE_SECONDS, long enough for several
                // watermark periods, before reading: a reader that is caught up with the tail has no watermark
                // ahead of its position, so its window's upper bound stays null.
                long t = BASE;
                int i = 0;
                long writeUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(WRITE_SECONDS);
                while (System.nanoTime() < writeUntil) {
                    for (int k = 0; k < 2; k++, i++) {
                        w.writeEvent("k" + (i % 5), "t=" + t + " i=" + i);
                    }
                    w.flush();
                    w.noteTime(t);
                    t += 1000;
                    sleep(200);
                }
                long lastNoted = t - 1000;

                String group = unique("rg");
                readerGroup(rgm, group, scope, "wm");
                TimeWindow window = null;
                TimeWindow last = null;
                try (EventStreamReader<String> r = f.createReader("wm-reader", group, UTF8, ReaderConfig.builder().build())) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (System.nanoTime() < deadline) {
                        EventRead<String> e = r.readNextEvent(500);
                        // Read slowly: the reader's window is computed from the watermarks around its position,
                        // and the watermark reader trails the event reader.
                        sleep(50);
                        last = r.getCurrentTimeWindow(stream);
                        if (last != null && last.getLowerTimeBound() != null && last.getUpperTimeBound() != null) {
                            window = last;
                            break;
                        }
                    }
                }
                assertNotNull(window, "no time window with both bounds within 60 s of reading; last window " + last);
                System.out.println("watermark time window: " + window);
                assertTrue(window.getLowerTimeBound() >= BASE && window.getLowerTimeBound() <= window.getUpperTimeBound()
                        && window.getUpperTimeBound() <= lastNoted, "window " + window + " outside noted times");
                rgm.deleteReaderGroup(group);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
