package io.taskmesh.platform.net;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressGuardTest {

    private final AddressGuard guard = new AddressGuard(false);

    @Test
    void internalAddressesAreRefused() {
        for (String url : List.of("http://127.0.0.1:8080/", "http://localhost/", "http://10.1.2.3/", "http://192.168.0.1/",
                "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[fd00::1]/",
                "http://0.0.0.0/", "http://100.64.1.1/")) {
            assertThatThrownBy(() -> guard.check(URI.create(url), List.of())).as(url)
                    .isInstanceOf(AddressGuard.AddressRefused.class).hasMessageContaining("internal address");
        }
    }

    @Test
    void onlyHttpAndTheTasksAllowedDomainsPass() {
        assertThatThrownBy(() -> guard.check(URI.create("file:///etc/passwd"), List.of()))
                .hasMessageContaining("only http and https");
        assertThatThrownBy(() -> guard.check(URI.create("https://example.org/x"), List.of("example.com")))
                .hasMessageContaining("allowedDomains");
        // a subdomain of an allowed domain passes the domain check (and then the address check)
        assertThatThrownBy(() -> new AddressGuard(false).check(URI.create("http://127.0.0.1/"), List.of("example.com")))
                .hasMessageContaining("allowedDomains");
        assertThatCode(() -> new AddressGuard(true).check(URI.create("http://api.example.com/"), List.of("example.com")))
                .doesNotThrowAnyException();
    }

    @Test
    void privateNetworksCanBeAllowedForAnExecutor() {
        assertThatCode(() -> new AddressGuard(true).check(URI.create("http://127.0.0.1:9/"), List.of()))
                .doesNotThrowAnyException();
    }
}
