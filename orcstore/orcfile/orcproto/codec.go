package orcproto

import "math"

// Message is one of the package's message types.
type Message interface {
	marshaler
	unmarshal(b []byte) error
}

// Unmarshal merges the message in b into m, as proto.Unmarshal does on a
// fresh message (callers pass new messages).
func Unmarshal(b []byte, m Message) error { return m.unmarshal(b) }

// Marshal returns m's wire form, fields in number order (the bytes
// github.com/golang/protobuf produces for the same message).
func Marshal(m Message) ([]byte, error) {
	var e encoder
	m.marshal(&e)
	return e.b, nil
}

// AppendMarshal appends m's wire form to b.
func AppendMarshal(b []byte, m Message) []byte {
	e := encoder{b: b}
	m.marshal(&e)
	return e.b
}

// Each unmarshal loops over b's fields, decodes the ones it knows with the
// expected wire type and skips the rest (next has consumed them).

func u64p(v uint64) *uint64 { return &v }
func u32p(v uint64) *uint32 { x := uint32(v); return &x }
func s64p(v uint64) *int64  { x := unzigzag(v); return &x }
func strp(p []byte) *string { s := string(p); return &s }
func f64p(v uint64) *float64 {
	x := math.Float64frombits(v)
	return &x
}

func (m *IntegerStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireVarint {
			continue
		}
		switch f.num {
		case 1:
			m.Minimum = s64p(f.v)
		case 2:
			m.Maximum = s64p(f.v)
		case 3:
			m.Sum = s64p(f.v)
		}
	}
	return nil
}

func (m *IntegerStatistics) marshal(e *encoder) {
	e.optSint64(1, m.Minimum)
	e.optSint64(2, m.Maximum)
	e.optSint64(3, m.Sum)
}

func (m *DoubleStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireFixed64 {
			continue
		}
		switch f.num {
		case 1:
			m.Minimum = f64p(f.v)
		case 2:
			m.Maximum = f64p(f.v)
		case 3:
			m.Sum = f64p(f.v)
		}
	}
	return nil
}

func (m *DoubleStatistics) marshal(e *encoder) {
	e.optDouble(1, m.Minimum)
	e.optDouble(2, m.Maximum)
	e.optDouble(3, m.Sum)
}

func (m *StringStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		switch {
		case f.num == 1 && f.wire == wireBytes:
			m.Minimum = strp(f.p)
		case f.num == 2 && f.wire == wireBytes:
			m.Maximum = strp(f.p)
		case f.num == 3 && f.wire == wireVarint:
			m.Sum = s64p(f.v)
		}
	}
	return nil
}

func (m *StringStatistics) marshal(e *encoder) {
	e.optString(1, m.Minimum)
	e.optString(2, m.Maximum)
	e.optSint64(3, m.Sum)
}

func (m *BucketStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.num == 1 {
			if m.Count, _, err = repeatedVarints(m.Count, f); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *BucketStatistics) marshal(e *encoder) { packed(e, 1, m.Count) }

func (m *DecimalStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireBytes {
			continue
		}
		switch f.num {
		case 1:
			m.Minimum = strp(f.p)
		case 2:
			m.Maximum = strp(f.p)
		case 3:
			m.Sum = strp(f.p)
		}
	}
	return nil
}

func (m *DecimalStatistics) marshal(e *encoder) {
	e.optString(1, m.Minimum)
	e.optString(2, m.Maximum)
	e.optString(3, m.Sum)
}

func (m *DateStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireVarint {
			continue
		}
		// sint32: zigzag over the low 32 bits.
		v := int32(uint32(f.v)>>1) ^ -int32(f.v&1)
		switch f.num {
		case 1:
			m.Minimum = &v
		case 2:
			m.Maximum = &v
		}
	}
	return nil
}

func (m *DateStatistics) marshal(e *encoder) {
	for i, v := range []*int32{m.Minimum, m.Maximum} {
		if v != nil {
			e.tag(int32(i+1), wireVarint)
			e.uvarint(uint64(uint32(*v<<1) ^ uint32(*v>>31)))
		}
	}
}

func (m *TimestampStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireVarint {
			continue
		}
		switch f.num {
		case 1:
			m.Minimum = s64p(f.v)
		case 2:
			m.Maximum = s64p(f.v)
		case 3:
			m.MinimumUtc = s64p(f.v)
		case 4:
			m.MaximumUtc = s64p(f.v)
		}
	}
	return nil
}

func (m *TimestampStatistics) marshal(e *encoder) {
	e.optSint64(1, m.Minimum)
	e.optSint64(2, m.Maximum)
	e.optSint64(3, m.MinimumUtc)
	e.optSint64(4, m.MaximumUtc)
}

func (m *BinaryStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.num == 1 && f.wire == wireVarint {
			m.Sum = s64p(f.v)
		}
	}
	return nil
}

func (m *BinaryStatistics) marshal(e *encoder) { e.optSint64(1, m.Sum) }

// sub decodes a nested message field into *dst, merging with an earlier
// occurrence as protobuf does.
func sub[T any, PT interface {
	*T
	Message
}](dst *PT, p []byte) error {
	if *dst == nil {
		*dst = new(T)
	}
	return (*dst).unmarshal(p)
}

// elem decodes one element of a repeated message field and appends it.
func elem[T any, PT interface {
	*T
	Message
}](dst *[]PT, p []byte) error {
	m := PT(new(T))
	if err := m.unmarshal(p); err != nil {
		return err
	}
	*dst = append(*dst, m)
	return nil
}

func (m *ColumnStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire == wireVarint {
			switch f.num {
			case 1:
				m.NumberOfValues = u64p(f.v)
			case 10:
				v := f.v != 0
				m.HasNull = &v
			}
			continue
		}
		if f.wire != wireBytes {
			continue
		}
		switch f.num {
		case 2:
			err = sub(&m.IntStatistics, f.p)
		case 3:
			err = sub(&m.DoubleStatistics, f.p)
		case 4:
			err = sub(&m.StringStatistics, f.p)
		case 5:
			err = sub(&m.BucketStatistics, f.p)
		case 6:
			err = sub(&m.DecimalStatistics, f.p)
		case 7:
			err = sub(&m.DateStatistics, f.p)
		case 8:
			err = sub(&m.BinaryStatistics, f.p)
		case 9:
			err = sub(&m.TimestampStatistics, f.p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *ColumnStatistics) marshal(e *encoder) {
	e.optVarint(1, m.NumberOfValues)
	if m.IntStatistics != nil {
		e.message(2, m.IntStatistics)
	}
	if m.DoubleStatistics != nil {
		e.message(3, m.DoubleStatistics)
	}
	if m.StringStatistics != nil {
		e.message(4, m.StringStatistics)
	}
	if m.BucketStatistics != nil {
		e.message(5, m.BucketStatistics)
	}
	if m.DecimalStatistics != nil {
		e.message(6, m.DecimalStatistics)
	}
	if m.DateStatistics != nil {
		e.message(7, m.DateStatistics)
	}
	if m.BinaryStatistics != nil {
		e.message(8, m.BinaryStatistics)
	}
	if m.TimestampStatistics != nil {
		e.message(9, m.TimestampStatistics)
	}
	e.optBool(10, m.HasNull)
}

func (m *RowIndexEntry) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		switch f.num {
		case 1:
			if m.Positions, _, err = repeatedVarints(m.Positions, f); err != nil {
				return err
			}
		case 2:
			if f.wire == wireBytes {
				if err := sub(&m.Statistics, f.p); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (m *RowIndexEntry) marshal(e *encoder) {
	packed(e, 1, m.Positions)
	if m.Statistics != nil {
		e.message(2, m.Statistics)
	}
}

func (m *RowIndex) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.num == 1 && f.wire == wireBytes {
			if err := elem(&m.Entry, f.p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *RowIndex) marshal(e *encoder) {
	for _, x := range m.Entry {
		e.message(1, x)
	}
}

func (m *BloomFilter) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		switch f.num {
		case 1:
			if f.wire == wireVarint {
				m.NumHashFunctions = u32p(f.v)
			}
		case 2:
			if m.Bitset, _, err = repeatedFixed64(m.Bitset, f); err != nil {
				return err
			}
		case 3:
			if f.wire == wireBytes {
				m.Utf8Bitset = append([]byte{}, f.p...)
			}
		}
	}
	return nil
}

func (m *BloomFilter) marshal(e *encoder) {
	e.optUint32(1, m.NumHashFunctions)
	for _, v := range m.Bitset { // not declared packed in orc.proto
		e.tag(2, wireFixed64)
		e.fixed64(v)
	}
	if m.Utf8Bitset != nil {
		e.bytes(3, m.Utf8Bitset)
	}
}

func (m *BloomFilterIndex) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.num == 1 && f.wire == wireBytes {
			if err := elem(&m.BloomFilter, f.p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *BloomFilterIndex) marshal(e *encoder) {
	for _, x := range m.BloomFilter {
		e.message(1, x)
	}
}

func (m *Stream) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireVarint {
			continue
		}
		switch f.num {
		case 1:
			k := Stream_Kind(int32(f.v))
			m.Kind = &k
		case 2:
			m.Column = u32p(f.v)
		case 3:
			m.Length = u64p(f.v)
		}
	}
	return nil
}

func (m *Stream) marshal(e *encoder) {
	if m.Kind != nil {
		e.optEnum(1, int32(*m.Kind), true)
	}
	e.optUint32(2, m.Column)
	e.optVarint(3, m.Length)
}

func (m *ColumnEncoding) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireVarint {
			continue
		}
		switch f.num {
		case 1:
			k := ColumnEncoding_Kind(int32(f.v))
			m.Kind = &k
		case 2:
			m.DictionarySize = u32p(f.v)
		case 3:
			m.BloomEncoding = u32p(f.v)
		}
	}
	return nil
}

func (m *ColumnEncoding) marshal(e *encoder) {
	if m.Kind != nil {
		e.optEnum(1, int32(*m.Kind), true)
	}
	e.optUint32(2, m.DictionarySize)
	e.optUint32(3, m.BloomEncoding)
}

func (m *StripeFooter) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireBytes {
			continue
		}
		switch f.num {
		case 1:
			err = elem(&m.Streams, f.p)
		case 2:
			err = elem(&m.Columns, f.p)
		case 3:
			m.WriterTimezone = strp(f.p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *StripeFooter) marshal(e *encoder) {
	for _, x := range m.Streams {
		e.message(1, x)
	}
	for _, x := range m.Columns {
		e.message(2, x)
	}
	e.optString(3, m.WriterTimezone)
}

func (m *Type) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		switch f.num {
		case 1:
			if f.wire == wireVarint {
				k := Type_Kind(int32(f.v))
				m.Kind = &k
			}
		case 2:
			if m.Subtypes, _, err = repeatedVarints(m.Subtypes, f); err != nil {
				return err
			}
		case 3:
			if f.wire == wireBytes {
				m.FieldNames = append(m.FieldNames, string(f.p))
			}
		case 4, 5, 6:
			if f.wire != wireVarint {
				continue
			}
			v := u32p(f.v)
			switch f.num {
			case 4:
				m.MaximumLength = v
			case 5:
				m.Precision = v
			case 6:
				m.Scale = v
			}
		}
	}
	return nil
}

func (m *Type) marshal(e *encoder) {
	if m.Kind != nil {
		e.optEnum(1, int32(*m.Kind), true)
	}
	packed(e, 2, m.Subtypes)
	for _, s := range m.FieldNames {
		e.optString(3, &s)
	}
	e.optUint32(4, m.MaximumLength)
	e.optUint32(5, m.Precision)
	e.optUint32(6, m.Scale)
}

func (m *StripeInformation) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireVarint {
			continue
		}
		switch f.num {
		case 1:
			m.Offset = u64p(f.v)
		case 2:
			m.IndexLength = u64p(f.v)
		case 3:
			m.DataLength = u64p(f.v)
		case 4:
			m.FooterLength = u64p(f.v)
		case 5:
			m.NumberOfRows = u64p(f.v)
		}
	}
	return nil
}

func (m *StripeInformation) marshal(e *encoder) {
	e.optVarint(1, m.Offset)
	e.optVarint(2, m.IndexLength)
	e.optVarint(3, m.DataLength)
	e.optVarint(4, m.FooterLength)
	e.optVarint(5, m.NumberOfRows)
}

func (m *UserMetadataItem) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire != wireBytes {
			continue
		}
		switch f.num {
		case 1:
			m.Name = strp(f.p)
		case 2:
			m.Value = append([]byte{}, f.p...)
		}
	}
	return nil
}

func (m *UserMetadataItem) marshal(e *encoder) {
	e.optString(1, m.Name)
	if m.Value != nil {
		e.bytes(2, m.Value)
	}
}

func (m *StripeStatistics) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.num == 1 && f.wire == wireBytes {
			if err := elem(&m.ColStats, f.p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *StripeStatistics) marshal(e *encoder) {
	for _, x := range m.ColStats {
		e.message(1, x)
	}
}

func (m *Metadata) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.num == 1 && f.wire == wireBytes {
			if err := elem(&m.StripeStats, f.p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *Metadata) marshal(e *encoder) {
	for _, x := range m.StripeStats {
		e.message(1, x)
	}
}

func (m *Footer) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		if f.wire == wireVarint {
			switch f.num {
			case 1:
				m.HeaderLength = u64p(f.v)
			case 2:
				m.ContentLength = u64p(f.v)
			case 6:
				m.NumberOfRows = u64p(f.v)
			case 8:
				m.RowIndexStride = u32p(f.v)
			case 9:
				m.Writer = u32p(f.v)
			}
			continue
		}
		if f.wire != wireBytes {
			continue
		}
		switch f.num {
		case 3:
			err = elem(&m.Stripes, f.p)
		case 4:
			err = elem(&m.Types, f.p)
		case 5:
			err = elem(&m.Metadata, f.p)
		case 7:
			err = elem(&m.Statistics, f.p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *Footer) marshal(e *encoder) {
	e.optVarint(1, m.HeaderLength)
	e.optVarint(2, m.ContentLength)
	for _, x := range m.Stripes {
		e.message(3, x)
	}
	for _, x := range m.Types {
		e.message(4, x)
	}
	for _, x := range m.Metadata {
		e.message(5, x)
	}
	e.optVarint(6, m.NumberOfRows)
	for _, x := range m.Statistics {
		e.message(7, x)
	}
	e.optUint32(8, m.RowIndexStride)
	e.optUint32(9, m.Writer)
}

func (m *PostScript) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		switch f.num {
		case 4:
			if m.Version, _, err = repeatedVarints(m.Version, f); err != nil {
				return err
			}
			continue
		case 8000:
			if f.wire == wireBytes {
				m.Magic = strp(f.p)
			}
			continue
		}
		if f.wire != wireVarint {
			continue
		}
		switch f.num {
		case 1:
			m.FooterLength = u64p(f.v)
		case 2:
			k := CompressionKind(int32(f.v))
			m.Compression = &k
		case 3:
			m.CompressionBlockSize = u64p(f.v)
		case 5:
			m.MetadataLength = u64p(f.v)
		case 6:
			m.WriterVersion = u32p(f.v)
		}
	}
	return nil
}

func (m *PostScript) marshal(e *encoder) {
	e.optVarint(1, m.FooterLength)
	if m.Compression != nil {
		e.optEnum(2, int32(*m.Compression), true)
	}
	e.optVarint(3, m.CompressionBlockSize)
	packed(e, 4, m.Version)
	e.optVarint(5, m.MetadataLength)
	e.optUint32(6, m.WriterVersion)
	e.optString(8000, m.Magic)
}

func (m *FileTail) unmarshal(b []byte) error {
	for len(b) > 0 {
		f, rest, err := next(b)
		if err != nil {
			return err
		}
		b = rest
		switch {
		case f.num == 1 && f.wire == wireBytes:
			err = sub(&m.Postscript, f.p)
		case f.num == 2 && f.wire == wireBytes:
			err = sub(&m.Footer, f.p)
		case f.num == 3 && f.wire == wireVarint:
			m.FileLength = u64p(f.v)
		case f.num == 4 && f.wire == wireVarint:
			m.PostscriptLength = u64p(f.v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (m *FileTail) marshal(e *encoder) {
	if m.Postscript != nil {
		e.message(1, m.Postscript)
	}
	if m.Footer != nil {
		e.message(2, m.Footer)
	}
	e.optVarint(3, m.FileLength)
	e.optVarint(4, m.PostscriptLength)
}
