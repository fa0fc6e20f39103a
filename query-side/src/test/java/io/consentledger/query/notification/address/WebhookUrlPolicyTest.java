package io.consentledger.query.notification.address;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookUrlPolicyTest {

    /** A DNS of our own: names from the table, IP literals parsed by the JDK (no lookup), anything else unknown. */
    private final Map<String, String[]> dns = new HashMap<>(Map.of(
            "hooks.example.com", new String[]{"93.184.216.34"},
            "cafe.de", new String[]{"2606:4700::1111"},
            "internal.example.com", new String[]{"10.1.2.3"},
            "split.example.com", new String[]{"93.184.216.34", "192.168.0.7"},
            "localhost", new String[]{"127.0.0.1", "::1"}));

    private final HostResolver resolver = host -> {
        String[] names = dns.get(host);
        if (names == null) {
            if (host.matches("[0-9.]+") || host.contains(":")) {
                return new InetAddress[]{InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        }
        InetAddress[] all = new InetAddress[names.length];
        for (int i = 0; i < names.length; i++) {
            all[i] = InetAddress.getByName(names[i]);
        }
        return all;
    };

    private final WebhookUrlPolicy strict = new WebhookUrlPolicy(false, resolver);
    private final WebhookUrlPolicy loopbackAllowed = new WebhookUrlPolicy(true, resolver);

    @ParameterizedTest
    @ValueSource(strings = {"https://hooks.example.com/ledger", "https://hooks.example.com:8443/a?b=c",
            "https://cafe.de/x", "https://93.184.216.34/x", "https://[2606:4700::1111]/x",
            "https://[2002:5db8:d822::1]/x"})
    void publicHttpsUrlsAreAccepted(String url) {
        assertThat(strict.checkRegistration(url)).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://hooks.example.com/x", "ftp://hooks.example.com/x", "HTTP://93.184.216.34/"})
    void anythingButHttpsIsRefused(String url) {
        assertRefused(strict, url, WebhookUrlRefused.NOT_HTTPS);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://10.0.0.1/", "https://172.16.5.4/", "https://172.31.255.255/", "https://192.168.1.1/",
            "https://100.64.0.1/", "https://100.127.255.254/", "https://169.254.169.254/latest/meta-data/",
            "https://169.254.0.1/", "https://0.0.0.0/", "https://0.1.2.3/", "https://224.0.0.1/",
            "https://239.255.255.250/", "https://255.255.255.255/", "https://240.0.0.1/", "https://192.0.2.10/",
            "https://198.18.0.1/",
            "https://[fd00:ec2::254]/", "https://[fc00::1]/", "https://[fe80::1]/", "https://[::]/",
            "https://[ff02::1]/", "https://[fec0::1]/", "https://[2001:db8::1]/",
            "https://[::ffff:10.0.0.1]/", "https://[::ffff:169.254.169.254]/", "https://[::ffff:a9fe:a9fe]/",
            "https://[::a9fe:a9fe]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[64:ff9b::7f00:1]/",
            "https://[2002:a9fe:a9fe::]/", "https://[2002:7f00:1::]/", "https://[2001:0:4136:e378::1]/",
            "https://internal.example.com/", "https://split.example.com/"})
    void privateLinkLocalMetadataAndOtherInternalAddressesAreRefused(String url) {
        assertRefused(strict, url, WebhookUrlRefused.FORBIDDEN_ADDRESS);
        assertRefused(loopbackAllowed, url, WebhookUrlRefused.FORBIDDEN_ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://2130706433/", "https://0x7f000001/", "https://0177.0.0.1/", "https://127.1/",
            "https://0x7f.0.0.1/", "https://10.0.0.01/", "https://3232235777/", "https://1.2.3.4.5/",
            "https://0X7F.0.0.1/", "https://0x.0.0.1/", "https://1.2.3/", "https://256.1.2.3/", "https://1.2.3.1000/",
            "https://01.2.3.4/", "https://1..2.3/", "https://1.2.3.4./"})
    void numericHostsOtherThanDottedDecimalAreRefusedWhateverTheyDecodeTo(String url) {
        assertRefused(loopbackAllowed, url, WebhookUrlRefused.INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "https://127.0.0.1/", "http://localhost:9000/",
            "https://[::1]:8443/", "http://127.8.9.10/", "http://[::ffff:127.0.0.1]/"})
    void loopbackOnlyWhenAllowedAndThenAlsoOverHttp(String url) {
        assertRefused(strict, url, WebhookUrlRefused.FORBIDDEN_ADDRESS);
        assertThatCode(() -> loopbackAllowed.checkRegistration(url)).doesNotThrowAnyException();
    }

    @Test
    void aNameThatResolvesToPublicAndLoopbackNeedsHttps() {
        dns.put("mixed.example.com", new String[]{"93.184.216.34", "127.0.0.1"});

        assertRefused(loopbackAllowed, "http://mixed.example.com/", WebhookUrlRefused.NOT_HTTPS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://user:secret@hooks.example.com/", "https://hooks.example.com/#frag",
            "hooks.example.com/x", "/relative", "https:///nohost", "not a url", "", "mailto:a@b.c"})
    void malformedUrlsAreRefused(String url) {
        assertThatThrownBy(() -> strict.checkRegistration(url)).isInstanceOf(WebhookUrlRefused.class)
                .extracting(e -> ((WebhookUrlRefused) e).code())
                .isIn(WebhookUrlRefused.INVALID, WebhookUrlRefused.NOT_HTTPS);
    }

    @Test
    void anOverlongUrlIsRefused() {
        assertRefused(strict, "https://hooks.example.com/" + "a".repeat(2100), WebhookUrlRefused.INVALID);
    }

    @Test
    void anUnknownHostIsRefused() {
        assertRefused(strict, "https://nowhere.example.com/", WebhookUrlRefused.UNRESOLVABLE);
    }

    @Test
    void theAddressIsCheckedAgainAtDeliveryTimeSoARebindingIsCaught() {
        URI url = strict.checkRegistration("https://hooks.example.com/ledger");
        assertThat(strict.checkDelivery(url)).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");

        dns.put("hooks.example.com", new String[]{"169.254.169.254"});

        assertThatThrownBy(() -> strict.checkDelivery(url)).isInstanceOf(WebhookUrlRefused.class)
                .extracting(e -> ((WebhookUrlRefused) e).code()).isEqualTo(WebhookUrlRefused.FORBIDDEN_ADDRESS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://1.2.3.example/", "https://0x7f.0.0.example/", "https://10.0.0.x1/", "https://0xg.1.2.d/"})
    void hostsWithANonNumericLabelAreNamesAndResolvedAsSuch(String url) {
        assertRefused(strict, url, WebhookUrlRefused.UNRESOLVABLE);
    }

    @Test
    void aCanonicalDottedQuadIsAcceptedAtEveryDelivery() {
        URI url = strict.checkRegistration("https://93.184.216.34/x");
        for (int i = 0; i < 3; i++) {
            assertThat(strict.checkDelivery(url)).extracting(InetAddress::getHostAddress)
                    .containsExactly("93.184.216.34");
        }
        assertRefused(strict, "https://255.255.255.254/", WebhookUrlRefused.FORBIDDEN_ADDRESS);
    }

    @Test
    void theRefusalNamesNoResolvedAddress() {
        assertThatThrownBy(() -> strict.checkRegistration("https://internal.example.com/"))
                .hasMessageNotContaining("10.1.2.3");
    }

    private static void assertRefused(WebhookUrlPolicy policy, String url, String code) {
        assertThatThrownBy(() -> policy.checkRegistration(url)).isInstanceOf(WebhookUrlRefused.class)
                .extracting(e -> ((WebhookUrlRefused) e).code()).isEqualTo(code);
    }
}
