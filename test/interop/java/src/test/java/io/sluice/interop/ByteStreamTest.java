package io.sluice.interop;

import io.pravega.client.ByteStreamClientFactory;
import io.pravega.client.admin.StreamManager;
import io.pravega.client.byteStream.ByteStreamReader;
import io.pravega.client.byteStream.ByteStreamWriter;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.interop.Interop.CLIENT;
import static io.sluice.interop.Interop.scopeWithStream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Byte streams: write, flush, tail/head offsets, seek and read, truncate, close and seal the segment. */
@Timeout(120)
class ByteStreamTest {
    @Test
    void writeSeekReadTruncateSeal() throws Exception {
        try (StreamManager mgr = StreamManager.create(CLIENT)) {
            String scope = scopeWithStream(mgr, "j-bytes", "b", 1);
            byte[] data = new byte[1_500_000];
            new Random(42).nextBytes(data);
            try (ByteStreamClientFactory bf = ByteStreamClientFactory.withScope(scope, CLIENT)) {
                ByteStreamWriter w = bf.createByteStreamWriter("b");
                for (int off = 0; off < data.length; off += 100_000) {
                    w.write(data, off, Math.min(100_000, data.length - off));
                }
                w.flush();
                assertEquals(data.length, w.fetchTailOffset());
                assertEquals(0, w.fetchHeadOffset());

                try (ByteStreamReader r = bf.createByteStreamReader("b")) {
                    assertEquals(data.length, r.fetchTailOffset());
                    assertArrayEquals(data, readFully(r, data.length));
                    assertEquals(data.length, r.getOffset());

                    r.seekToOffset(1_000_000);
                    assertArrayEquals(Arrays.copyOfRange(data, 1_000_000, 1_000_100), readFully(r, 100));
                    // A read at the tail waits for new data.
                    r.seekToOffset(data.length);
                    w.write(new byte[] {1, 2, 3});
                    w.flush();
                    assertArrayEquals(new byte[] {1, 2, 3}, readFully(r, 3));

                    w.truncateDataBefore(500_000);
                    assertEquals(500_000, r.fetchHeadOffset());
                    r.seekToOffset(600_000);
                    assertArrayEquals(Arrays.copyOfRange(data, 600_000, 600_010), readFully(r, 10));
                }
                // closeAndSeal seals the segment (SealSegment to the segment store), not the stream: the controller
                // still reports the stream open, but a reader now finds the end of the data.
                w.closeAndSeal();
                try (ByteStreamReader r = bf.createByteStreamReader("b")) {
                    r.seekToOffset(data.length);
                    assertArrayEquals(new byte[] {1, 2, 3}, readFully(r, 3));
                    assertEquals(-1, r.read(), "end of a sealed byte stream");
                }
            }
        }
    }

    private static byte[] readFully(ByteStreamReader r, int n) throws Exception {
        byte[] out = new byte[n];
        int got = 0;
        while (got < n) {
            int k = r.read(out, got, n - got);
            assertTrue(k > 0, "read returned " + k + " after " + got + " of " + n);
            got += k;
        }
        return out;
    }
}
