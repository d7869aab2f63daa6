package io.kukeon.runtime.containerd;

import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.runtime.LogTarget;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TaskLogTest {
    @Test
    void theUriCarriesTheLoggerAndItsPairsEscapedAsGoParsesThem() {
        Path logger = Path.of("/opt/kukeon dir/target/kukeon-logger");
        LogTarget target = new LogTarget(new ContainerLogDir(Path.of("/var/lib/kukeon/logs/r/s/t/c&d/app.v1+x")), 1048576, 3);
        URI uri = URI.create(TaskLog.uri(logger, target));
        assertEquals("binary", uri.getScheme());
        assertEquals(logger.toString(), uri.getPath(), "the path, unquoted");
        Map<String, String> pairs = Arrays.stream(uri.getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
        assertEquals(Map.of("file", "/var/lib/kukeon/logs/r/s/t/c&d/app.v1+x/current.log", "max-size", "1048576",
                "max-files", "3"), pairs);
    }
}
