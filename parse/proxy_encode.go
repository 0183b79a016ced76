package parse

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strconv"
)

// AppendProxyV1 appends the v1 text form of h to dst. TCP4 and TCP6 headers
// with the PROXY command are written with their addresses; every other
// header (LOCAL, UDP, Unix, UNSPEC) is written as "PROXY UNKNOWN\r\n", as the
// specification requires for protocols v1 cannot express.
//
// It fails, leaving dst as it was, when a TCP4 header has non-IPv4
// addresses, a TCP6 header has non-IPv6 addresses or addresses with a zone.
func AppendProxyV1(dst []byte, h *ProxyHeader) ([]byte, error) {
	if h.Command != ProxyCommandProxy || (h.Transport != ProxyTCP4 && h.Transport != ProxyTCP6) {
		return append(dst, "PROXY UNKNOWN\r\n"...), nil
	}
	src, dstA := h.Source.Addr(), h.Dest.Addr()
	if h.Transport == ProxyTCP4 {
		if !src.Is4() || !dstA.Is4() {
			return dst, errors.New("parse: PROXY v1 encode: TCP4 needs IPv4 addresses")
		}
		dst = append(dst, "PROXY TCP4 "...)
	} else {
		if !src.Is6() || !dstA.Is6() || src.Zone() != "" || dstA.Zone() != "" {
			return dst, errors.New("parse: PROXY v1 encode: TCP6 needs IPv6 addresses without zone")
		}
		dst = append(dst, "PROXY TCP6 "...)
	}
	dst = src.AppendTo(dst)
	dst = append(dst, ' ')
	dst = dstA.AppendTo(dst)
	dst = append(dst, ' ')
	dst = strconv.AppendUint(dst, uint64(h.Source.Port()), 10)
	dst = append(dst, ' ')
	dst = strconv.AppendUint(dst, uint64(h.Dest.Port()), 10)
	return append(dst, '\r', '\n'), nil
}

// AppendProxyV2 appends the v2 binary form of h to dst: its command,
// transport and addresses, then the raw h.TLVs, then tlvs. When the TLVs
// (from either source) include a ProxyTLVCRC32C vector, its value is
// computed over the finished header; pass ProxyTLV{Type: ProxyTLVCRC32C} to
// add a checksum.
//
// It fails, leaving dst as it was, on an unknown command or transport,
// addresses of the wrong family for the transport, a Unix path over 108
// bytes, malformed h.TLVs, more than one CRC32C vector, or a header over
// ProxyV2MaxLen bytes.
func AppendProxyV2(dst []byte, h *ProxyHeader, tlvs ...ProxyTLV) ([]byte, error) {
	fail := func(msg string) ([]byte, error) { return dst, errors.New("parse: PROXY v2 encode: " + msg) }
	if h.Command > ProxyCommandProxy {
		return fail("unknown command " + h.Command.String())
	}
	alen := proxyAddrLen(byte(h.Transport))
	if alen < 0 {
		return fail("unknown transport " + h.Transport.String())
	}
	length := alen + len(h.TLVs)
	// One walk over the raw TLVs: validate, count and locate CRC32C.
	crcs, crcRaw := 0, -1
	for off := 0; off < len(h.TLVs); {
		if len(h.TLVs)-off < 3 {
			return fail("malformed TLVs")
		}
		vlen := int(binary.BigEndian.Uint16(h.TLVs[off+1:]))
		if len(h.TLVs)-off-3 < vlen {
			return fail("malformed TLVs")
		}
		if ProxyTLVType(h.TLVs[off]) == ProxyTLVCRC32C {
			if vlen != 4 {
				return fail("CRC32C TLV value must be 4 bytes")
			}
			crcs++
			crcRaw = off + 3
		}
		off += 3 + vlen
	}
	for _, t := range tlvs {
		n := len(t.Value)
		if t.Type == ProxyTLVCRC32C {
			crcs++
			if n != 0 && n != 4 {
				return fail("CRC32C TLV value must be empty or 4 bytes")
			}
			n = 4
		}
		if n > 0xFFFF {
			return fail(t.Type.String() + " TLV value over 65535 bytes")
		}
		length += 3 + n
	}
	if crcs > 1 {
		return fail("more than one CRC32C TLV")
	}
	if length > 0xFFFF {
		return fail("header length " + strconv.Itoa(length) + " over 65535")
	}
	src, dstA := h.Source.Addr(), h.Dest.Addr()
	switch alen {
	case 12:
		if !src.Is4() || !dstA.Is4() {
			return fail(h.Transport.String() + " needs IPv4 addresses")
		}
	case 36:
		if !src.Is6() || !dstA.Is6() {
			return fail(h.Transport.String() + " needs IPv6 addresses")
		}
	case 216:
		if len(h.SourceUnix) > 108 || len(h.DestUnix) > 108 {
			return fail("Unix path over 108 bytes")
		}
	}

	start := len(dst)
	dst = append(dst, proxyV2Sig...)
	dst = append(dst, 0x20|byte(h.Command), byte(h.Transport))
	dst = binary.BigEndian.AppendUint16(dst, uint16(length))
	switch alen {
	case 12:
		s4, d4 := src.As4(), dstA.As4()
		dst = append(dst, s4[:]...)
		dst = append(dst, d4[:]...)
		dst = binary.BigEndian.AppendUint16(dst, h.Source.Port())
		dst = binary.BigEndian.AppendUint16(dst, h.Dest.Port())
	case 36:
		s16, d16 := src.As16(), dstA.As16()
		dst = append(dst, s16[:]...)
		dst = append(dst, d16[:]...)
		dst = binary.BigEndian.AppendUint16(dst, h.Source.Port())
		dst = binary.BigEndian.AppendUint16(dst, h.Dest.Port())
	case 216:
		var pad [108]byte
		dst = append(dst, h.SourceUnix...)
		dst = append(dst, pad[:108-len(h.SourceUnix)]...)
		dst = append(dst, h.DestUnix...)
		dst = append(dst, pad[:108-len(h.DestUnix)]...)
	}
	crcAt := -1
	if crcRaw >= 0 {
		crcAt = len(dst) + crcRaw
	}
	dst = append(dst, h.TLVs...)
	for _, t := range tlvs {
		if t.Type == ProxyTLVCRC32C {
			dst = append(dst, byte(t.Type), 0, 4)
			crcAt = len(dst)
			dst = append(dst, 0, 0, 0, 0)
			continue
		}
		dst = append(dst, byte(t.Type))
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(t.Value)))
		dst = append(dst, t.Value...)
	}
	if crcAt >= 0 {
		clear(dst[crcAt : crcAt+4])
		sum := crc32.Checksum(dst[start:], proxyCRCTable)
		binary.BigEndian.PutUint32(dst[crcAt:], sum)
	}
	return dst, nil
}
