package io.taskmesh.platform.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where a run may send HTTP requests. Only http(s); never to loopback, private, link-local (cloud metadata),
 * multicast or unspecified addresses unless private networks are allowed for this executor; and, when the
 * task names {@code allowedDomains}, only to those domains and their subdomains. Every address the host
 * resolves to is checked, so a name pointing inside the network is refused too. Used by every outbound call
 * a tenant can aim: HTTP steps and tools in the executor, webhooks and Slack messages in notifications.
 */
public final class AddressGuard {

    private final boolean allowPrivateNetworks;

    public AddressGuard(boolean allowPrivateNetworks) {
        this.allowPrivateNetworks = allowPrivateNetworks;
    }

    public void check(URI uri, List<String> allowedDomains) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new AddressRefused("only http and https URLs are allowed: " + uri);
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new AddressRefused("the URL has no host: " + uri);
        }
        String lower = host.toLowerCase(Locale.ROOT);
        if (allowedDomains != null && !allowedDomains.isEmpty()
                && allowedDomains.stream().map(d -> d.toLowerCase(Locale.ROOT))
                        .noneMatch(d -> lower.equals(d) || lower.endsWith("." + d))) {
            throw new AddressRefused("'" + host + "' is not among the task's allowedDomains " + allowedDomains);
        }
        if (allowPrivateNetworks) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new AddressRefused("'" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                throw new AddressRefused("'" + host + "' resolves to " + address.getHostAddress()
                        + ", an internal address");
            }
        }
    }

    public static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        return first == 100 && second >= 64 && second <= 127 // carrier-grade NAT 100.64.0.0/10
                || first == 0; // "this network"
    }

    /** The address may not be called; the message says why, in words for the person who aimed it. */
    public static final class AddressRefused extends IllegalArgumentException {
        public AddressRefused(String message) {
            super(message);
        }
    }
}
