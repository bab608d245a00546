package planner

import (
	"fmt"
	"net/netip"
	"strings"
)

// IP addresses are held as 16 bytes, IPv4 addresses mapped into IPv6
// (::ffff:a.b.c.d) as Trino does, so that byte order is Trino's order;
// prefixes as the network's 16 bytes and the prefix length (0..128, an
// IPv4 prefix length counted in IPv6 bits, +96). They print as text.

// ParseIP reads an IPv4 or IPv6 address into its 16-byte form.
func ParseIP(s string) (string, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" {
		return "", fmt.Errorf("Cannot cast value to IPADDRESS: %s", s)
	}
	b := a.As16()
	return string(b[:]), nil
}

// FormatIP prints a 16-byte address as Trino does: dotted for IPv4 (also
// when mapped), RFC 5952 text for IPv6.
func FormatIP(b string) string {
	if len(b) != 16 {
		return fmt.Sprintf("<invalid ipaddress %x>", b)
	}
	a := netip.AddrFrom16([16]byte([]byte(b)))
	return a.Unmap().String()
}

// ParsePrefix reads a CIDR prefix (10.0.0.0/8, 2001:db8::/32); the address
// is masked to the prefix, as Trino does (10.1.2.3/8 is 10.0.0.0/8).
func ParsePrefix(s string) (string, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("Cannot cast value to IPPREFIX: %s", s)
	}
	return PrefixOf(p.Addr(), p.Bits()), nil
}

// PrefixOf builds the 17-byte form of addr/bits (bits in addr's family).
func PrefixOf(addr netip.Addr, bits int) string {
	p := netip.PrefixFrom(addr, bits).Masked()
	b := p.Addr().As16()
	n := bits
	if addr.Is4() {
		n += 96
	}
	return string(b[:]) + string([]byte{byte(n)})
}

// PrefixParts returns the network address and bit length (in the
// address's own family) of a 17-byte prefix.
func PrefixParts(b string) (netip.Addr, int, bool) {
	if len(b) != 17 {
		return netip.Addr{}, 0, false
	}
	a := netip.AddrFrom16([16]byte([]byte(b[:16])))
	bits := int(b[16])
	if a.Is4In6() && bits >= 96 {
		return a.Unmap(), bits - 96, true
	}
	return a, bits, true
}

// FormatPrefix prints a 17-byte prefix: 10.0.0.0/8.
func FormatPrefix(b string) string {
	a, bits, ok := PrefixParts(b)
	if !ok {
		return fmt.Sprintf("<invalid ipprefix %x>", b)
	}
	return fmt.Sprintf("%s/%d", a, bits)
}
