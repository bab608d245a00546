package fn

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/ctlake/ctlake/planner"
)

// IPADDRESS and IPPREFIX (Trino's IP functions): addresses are 16 bytes
// (IPv4 mapped into IPv6), prefixes 17 (network, bit length); see
// planner/ip.go. contains('10.0.0.0/8', ip) takes the prefix as text too,
// as Trino's examples write it.

var (
	tIP  = planner.IPAddress
	tIPP = planner.IPPrefix
)

// prefixContains reports whether prefix p (17 bytes) holds address a (16).
func prefixContains(p, a string) bool {
	if len(p) != 17 || len(a) != 16 {
		return false
	}
	bits := int(p[16])
	for i := 0; i < 16 && bits > 0; i++ {
		mask := byte(0xff)
		if bits < 8 {
			mask = byte(0xff << (8 - bits))
		}
		if p[i]&mask != a[i]&mask {
			return false
		}
		bits -= 8
	}
	return true
}

// prefixRange returns the first and last addresses of prefix p.
func prefixRange(p string) (string, string) {
	lo, hi := []byte(p[:16]), []byte(p[:16])
	bits := int(p[16])
	for i := 0; i < 16; i++ {
		switch {
		case bits >= 8:
			bits -= 8
		case bits > 0:
			hi[i] |= 0xff >> bits
			bits = 0
		default:
			hi[i] = 0xff
		}
	}
	return string(lo), string(hi)
}

func addrOf(b string) netip.Addr { return netip.AddrFrom16([16]byte([]byte(b))) }

func (c *Catalog) addIP() {
	contains := func(a []planner.Value) (planner.Value, error) { return vb(prefixContains(a[0].Str, a[1].Str)), nil }
	c.fixed("contains", ts(tIPP, tIP), tB, rowKernel(ts(tIPP, tIP), tB, false, contains))
	c.fixed("contains", ts(tV, tIP), tB, cachedPrefixKernel(func(p string, x planner.Value) planner.Value {
		return vb(prefixContains(p, x.Str))
	}))
	c.fixed("is_subnet_of", ts(tIPP, tIP), tB, rowKernel(ts(tIPP, tIP), tB, false, contains))
	c.fixed("is_subnet_of", ts(tIPP, tIPP), tB, rowKernel(ts(tIPP, tIPP), tB, false, func(a []planner.Value) (planner.Value, error) {
		return vb(a[1].Str[16] >= a[0].Str[16] && prefixContains(a[0].Str, a[1].Str[:16])), nil
	}))
	ipPrefix := func(addr string, bits int64) (planner.Value, error) {
		a := addrOf(addr)
		max := int64(128)
		if a.Is4In6() {
			a, max = a.Unmap(), 32
		}
		if bits < 0 || bits > max {
			return vnull, fmt.Errorf("IPv%d subnet size must be in range [0, %d]", map[int64]int{32: 4, 128: 6}[max], max)
		}
		return v(planner.PrefixOf(a, int(bits))), nil
	}
	c.fixed("ip_prefix", ts(tIP, tI), tIPP, rowKernel(ts(tIP, tI), tIPP, false, func(a []planner.Value) (planner.Value, error) {
		return ipPrefix(a[0].Str, a[1].Int)
	}))
	c.fixed("ip_prefix", ts(tV, tI), tIPP, rowKernel(ts(tV, tI), tIPP, false, func(a []planner.Value) (planner.Value, error) {
		addr, err := planner.ParseIP(a[0].Str)
		if err != nil {
			return vnull, err
		}
		return ipPrefix(addr, a[1].Int)
	}))
	c.fixed("ip_subnet_min", ts(tIPP), tIP, rowKernel(ts(tIPP), tIP, false, func(a []planner.Value) (planner.Value, error) {
		lo, _ := prefixRange(a[0].Str)
		return v(lo), nil
	}))
	c.fixed("ip_subnet_max", ts(tIPP), tIP, rowKernel(ts(tIPP), tIP, false, func(a []planner.Value) (planner.Value, error) {
		_, hi := prefixRange(a[0].Str)
		return v(hi), nil
	}))
	c.fixed("ip_subnet_range", ts(tIPP), planner.ArrayOf(tIP), func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		lb := array.NewListBuilder(ctx.Mem, tIP.Arrow())
		defer lb.Release()
		vb := lb.ValueBuilder().(*array.BinaryBuilder)
		get := getter(args[0], tIPP)
		for i := 0; i < n; i++ {
			x := get(i)
			if x.Null {
				lb.AppendNull()
				continue
			}
			lo, hi := prefixRange(x.Str)
			lb.Append(true)
			vb.Append([]byte(lo))
			vb.Append([]byte(hi))
		}
		return lb.NewArray(), nil
	})
}

// cachedPrefixKernel runs f(prefix, address) with the prefix given as
// text: a constant prefix is parsed once.
func cachedPrefixKernel(f func(p string, x planner.Value) planner.Value) Kernel {
	return func(ctx *Context, args []Vec, n int) (arrow.Array, error) {
		pget, xget := getter(args[0], tV), getter(args[1], tIP)
		out := newValOut(ctx.Mem, tB, n)
		last, lastP := "", ""
		for i := 0; i < n; i++ {
			ps, x := pget(i), xget(i)
			if ps.Null || x.Null {
				out.set(i, vnull)
				continue
			}
			if ps.Str != last || lastP == "" {
				p, err := planner.ParsePrefix(ps.Str)
				if err != nil {
					out.finish().Release()
					return nil, err
				}
				last, lastP = strings.Clone(ps.Str), p
			}
			out.set(i, f(lastP, x))
		}
		return out.finish(), nil
	}
}

// ipCast converts to and from ipaddress and ipprefix.
func ipCast(from, to planner.Type) rowFn {
	fk, tk := from.Kind, to.Kind
	switch {
	case fk == planner.KindVarchar && tk == planner.KindIPAddress:
		return func(a []planner.Value) (planner.Value, error) {
			s, err := planner.ParseIP(a[0].Str)
			return v(s), err
		}
	case fk == planner.KindVarchar && tk == planner.KindIPPrefix:
		return func(a []planner.Value) (planner.Value, error) {
			s, err := planner.ParsePrefix(a[0].Str)
			return v(s), err
		}
	case fk == planner.KindIPAddress && (tk == planner.KindVarchar || tk == planner.KindJSON):
		return func(a []planner.Value) (planner.Value, error) { return textOrJSON(planner.FormatIP(a[0].Str), tk), nil }
	case fk == planner.KindIPPrefix && (tk == planner.KindVarchar || tk == planner.KindJSON):
		return func(a []planner.Value) (planner.Value, error) {
			return textOrJSON(planner.FormatPrefix(a[0].Str), tk), nil
		}
	case fk == planner.KindIPAddress && tk == planner.KindVarbinary:
		return func(a []planner.Value) (planner.Value, error) { return a[0], nil }
	case fk == planner.KindVarbinary && tk == planner.KindIPAddress:
		return func(a []planner.Value) (planner.Value, error) {
			switch len(a[0].Str) {
			case 16:
				return a[0], nil
			case 4:
				b := netip.AddrFrom4([4]byte([]byte(a[0].Str))).As16()
				return v(string(b[:])), nil
			}
			return vnull, errors.New("Invalid IP address binary length: " + fmt.Sprint(len(a[0].Str)))
		}
	case fk == planner.KindIPAddress && tk == planner.KindIPPrefix:
		return func(a []planner.Value) (planner.Value, error) {
			addr := addrOf(a[0].Str)
			if addr.Is4In6() {
				return v(planner.PrefixOf(addr.Unmap(), 32)), nil
			}
			return v(planner.PrefixOf(addr, 128)), nil
		}
	case fk == planner.KindIPPrefix && tk == planner.KindIPAddress:
		return func(a []planner.Value) (planner.Value, error) { return v(a[0].Str[:16]), nil }
	}
	return nil
}

func textOrJSON(s string, k planner.Kind) planner.Value {
	if k == planner.KindJSON {
		return v(jsonQuote(s))
	}
	return v(s)
}
