package io.sluice.interop;

import io.pravega.client.BatchClientFactory;
import io.pravega.client.EventStreamClientFactory;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.batch.SegmentIterator;
import io.pravega.client.batch.SegmentRange;
import io.pravega.client.stream.Stream;
import io.pravega.client.stream.StreamCut;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.UTF8;
import static io.sluice.interop.Interop.scopeWithStream;
import static io.sluice.interop.Interop.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Batch client: list the segments of a stream between two stream cuts and read each segment directly. */
@Timeout(120)
class BatchClientTest {
    @Test
    void listSegmentsAndRead() throws Exception {
        int n = 3000;
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            String scope = scopeWithStream(mgr, "j-batch", "batch", 3);
            List<String[]> batch = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(new String[] {"k" + i, "b-" + i});
                sent.add("b-" + i);
            }
            try (EventStreamClientFactory f = EventStreamClientFactory.withScope(scope, CLIENT)) {
                writeAll(f, "batch", batch);
            }
            try (BatchClientFactory bc = BatchClientFactory.withScope(scope, CLIENT)) {
                List<SegmentRange> ranges = new ArrayList<>();
                bc.getSegments(Stream.of(scope, "batch"), StreamCut.UNBOUNDED, StreamCut.UNBOUNDED)
                        .getIterator().forEachRemaining(ranges::add);
                assertEquals(3, ranges.size(), "one range per segment: " + ranges);
                long bytes = 0;
                List<String> got = new ArrayList<>();
                for (SegmentRange r : ranges) {
                    assertEquals(0, r.getStartOffset());
                    bytes += r.getEndOffset() - r.getStartOffset();
                    try (SegmentIterator<String> it = bc.readSegment(r, UTF8)) {
                        it.forEachRemaining(got::add);
                    }
                }
                long want = sent.stream().mapToLong(s -> 8 + s.length()).sum();
                assertEquals(want, bytes, "segment lengths add up to the events written (8-byte header each)");
                assertEquals(n, got.size());
                assertEquals(new HashSet<>(sent), new HashSet<>(got));
            }
        }
    }
}
