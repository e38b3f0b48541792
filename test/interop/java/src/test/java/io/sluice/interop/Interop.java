package io.sluice.interop;

import io.pravega.client.ClientConfig;
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
import io.pravega.client.stream.impl.UTF8StringSerializer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared setup for the Java interop tests: controller URI, unique names, common stream and reader helpers. */
final class Interop {
    private Interop() {
    }

    /** -Dsluice.controller, else env SLUICE_CONTROLLER, else the Pravega default. */
    static final URI CONTROLLER = URI.create(firstNonEmpty(System.getProperty("sluice.controller"),
            System.getenv("SLUICE_CONTROLLER"), "tcp://127.0.0.1:9090"));

    static final ClientConfig CLIENT = ClientConfig.builder().controllerURI(CONTROLLER).build();

    /** One id per JVM run; every scope name contains it so runs never collide on a long-lived server. */
    static final String RUN_ID = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);

    static final UTF8StringSerializer UTF8 = new UTF8StringSerializer();

    static String unique(String prefix) {
        return prefix + "-" + RUN_ID + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        throw new IllegalArgumentException("no value");
    }

    /** Creates a fresh scope and a stream with a fixed number of segments in it; returns the scope name. */
    static String scopeWithStream(StreamManager mgr, String prefix, String stream, int segments) {
        String scope = unique(prefix);
        assertTrue(mgr.createScope(scope), "create scope " + scope);
        assertTrue(mgr.createStream(scope, stream, StreamConfiguration.builder()
                .scalingPolicy(ScalingPolicy.fixed(segments)).build()), "create stream " + stream);
        return scope;
    }

    static void writeAll(EventStreamClientFactory factory, String stream, List<String[]> keyAndEvent) {
        try (EventStreamWriter<String> w = factory.createEventWriter(stream, UTF8, EventWriterConfig.builder().build())) {
            for (String[] ke : keyAndEvent) {
                w.writeEvent(ke[0], ke[1]);
            }
            w.flush();
        }
    }

    /** Creates a reader group reading the whole stream from its head, without automatic checkpoints. */
    static void readerGroup(ReaderGroupManager rgm, String group, String scope, String stream) {
        rgm.createReaderGroup(group, ReaderGroupConfig.builder().stream(Stream.of(scope, stream))
                .disableAutomaticCheckpoints().build());
    }

    /** Reads with one new reader until `want` events arrived or `timeout` passed, then reads on until
     * the reader sees nothing for two seconds (so extra events show up as a failure, not go unnoticed). */
    static List<String> readAll(EventStreamClientFactory factory, String group, int want, Duration timeout) {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (EventStreamReader<String> r = factory.createReader(unique("reader"), group, UTF8,
                ReaderConfig.builder().build())) {
            int emptyAfterDone = 0;
            while (System.nanoTime() < deadline && emptyAfterDone < 2) {
                EventRead<String> e = r.readNextEvent(1000);
                if (e.getEvent() != null) {
                    got.add(e.getEvent());
                } else if (!e.isCheckpoint() && got.size() >= want) {
                    emptyAfterDone++;
                }
            }
        }
        return got;
    }
}
