package io.sluice.interop;

import io.pravega.client.EventStreamClientFactory;
import io.pravega.client.admin.ReaderGroupManager;
import io.pravega.client.admin.StreamInfo;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.stream.StreamCut;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.readAll;
import static io.sluice.interop.Interop.readerGroup;
import static io.sluice.interop.Interop.scopeWithStream;
import static io.sluice.interop.Interop.unique;
import static io.sluice.interop.Interop.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Truncating a stream at a stream cut: data before the cut is gone for new readers; the head moves. */
@Timeout(120)
class TruncationTest {
    @Test
    void truncateAtStreamCut() throws Exception {
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            String scope = scopeWithStream(mgr, "j-trunc", "t", 2);
            try (EventStreamClientFactory f = EventStreamClientFactory.withScope(scope, CLIENT);
                 ReaderGroupManager rgm = ReaderGroupManager.withScope(scope, CLIENT)) {
                writeAll(f, "t", events("old", 200));
                StreamInfo before = mgr.fetchStreamInfo(scope, "t").get();
                StreamCut cut = before.getTailStreamCut();
                assertTrue(cut.asImpl().getPositions().values().stream().mapToLong(Long::longValue).sum() > 0);
                List<String[]> fresh = events("new", 100);
                writeAll(f, "t", fresh);

                assertTrue(mgr.truncateStream(scope, "t", cut));
                StreamCut head = mgr.fetchStreamInfo(scope, "t").get().getHeadStreamCut();
                assertEquals(cut.asImpl().getPositions(), head.asImpl().getPositions(), "head after truncation");

                String group = unique("rg");
                readerGroup(rgm, group, scope, "t");
                List<String> got = readAll(f, group, fresh.size(), Duration.ofSeconds(60));
                List<String> want = new ArrayList<>();
                fresh.forEach(ke -> want.add(ke[1]));
                assertEquals(want.size(), got.size(), "only events after the cut: " + got.subList(0, Math.min(3, got.size())));
                assertEquals(new HashSet<>(want), new HashSet<>(got));
                rgm.deleteReaderGroup(group);
            }
        }
    }

    static List<String[]> events(String prefix, int n) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new String[] {"k" + (i % 9), prefix + "-" + i});
        }
        return out;
    }
}
