// Package orcproto holds the protocol buffer messages of the ORC file format
// (orc.proto of Apache ORC, the version github.com/scritchley/orc ships) with
// a hand-written wire codec.
//
// The types mirror those protoc-gen-go generated for scritchley/orc/proto
// (same names, pointer fields for proto2 optionals, nil-safe getters), so
// the ORC reader and writer read the same. What differs is the codec:
// generated code registers its descriptors with the protobuf runtime at
// init and decodes through reflection. In a `ctlake query` process that
// registry (google.golang.org/protobuf's descriptor, detrand, which reads
// the executable to seed itself, and the legacy wrappers) cost several
// milliseconds before main, and decoding the file tails of a 1M-event store
// through reflection was a third of a cold point lookup's CPU. This codec
// has no init work, no reflection and allocates only what the messages hold.
//
// Decoding follows proto2 as the reference implementation does: unknown
// fields and fields of an unexpected wire type are skipped, repeated scalars
// are accepted packed or not, enum values are kept as they come (the
// reference does the same for these messages; the ORC reader rejects kinds
// it does not know), a message field that occurs twice is merged. One
// difference is deliberate: a message field sent with a scalar wire type is
// skipped, where the reference also leaves an empty message behind. The tests
// check the codec against github.com/golang/protobuf on the same bytes.
package orcproto

// CompressionKind is the codec of a file's streams.
type CompressionKind int32

const (
	CompressionKind_NONE   CompressionKind = 0
	CompressionKind_ZLIB   CompressionKind = 1
	CompressionKind_SNAPPY CompressionKind = 2
	CompressionKind_LZO    CompressionKind = 3
	CompressionKind_LZ4    CompressionKind = 4
	CompressionKind_ZSTD   CompressionKind = 5
)

var compressionKindNames = []string{"NONE", "ZLIB", "SNAPPY", "LZO", "LZ4", "ZSTD"}

func (x CompressionKind) Enum() *CompressionKind { return &x }
func (x CompressionKind) String() string         { return enumName(compressionKindNames, int32(x)) }

// Stream_Kind is the role of a stream in a stripe.
type Stream_Kind int32

const (
	Stream_PRESENT           Stream_Kind = 0
	Stream_DATA              Stream_Kind = 1
	Stream_LENGTH            Stream_Kind = 2
	Stream_DICTIONARY_DATA   Stream_Kind = 3
	Stream_DICTIONARY_COUNT  Stream_Kind = 4
	Stream_SECONDARY         Stream_Kind = 5
	Stream_ROW_INDEX         Stream_Kind = 6
	Stream_BLOOM_FILTER      Stream_Kind = 7
	Stream_BLOOM_FILTER_UTF8 Stream_Kind = 8
)

var streamKindNames = []string{"PRESENT", "DATA", "LENGTH", "DICTIONARY_DATA", "DICTIONARY_COUNT", "SECONDARY", "ROW_INDEX", "BLOOM_FILTER", "BLOOM_FILTER_UTF8"}

func (x Stream_Kind) Enum() *Stream_Kind { return &x }
func (x Stream_Kind) String() string     { return enumName(streamKindNames, int32(x)) }

// ColumnEncoding_Kind is how a column's values are encoded in a stripe.
type ColumnEncoding_Kind int32

const (
	ColumnEncoding_DIRECT        ColumnEncoding_Kind = 0
	ColumnEncoding_DICTIONARY    ColumnEncoding_Kind = 1
	ColumnEncoding_DIRECT_V2     ColumnEncoding_Kind = 2
	ColumnEncoding_DICTIONARY_V2 ColumnEncoding_Kind = 3
)

var columnEncodingKindNames = []string{"DIRECT", "DICTIONARY", "DIRECT_V2", "DICTIONARY_V2"}

func (x ColumnEncoding_Kind) Enum() *ColumnEncoding_Kind { return &x }
func (x ColumnEncoding_Kind) String() string             { return enumName(columnEncodingKindNames, int32(x)) }

// Type_Kind is a column's type.
type Type_Kind int32

const (
	Type_BOOLEAN   Type_Kind = 0
	Type_BYTE      Type_Kind = 1
	Type_SHORT     Type_Kind = 2
	Type_INT       Type_Kind = 3
	Type_LONG      Type_Kind = 4
	Type_FLOAT     Type_Kind = 5
	Type_DOUBLE    Type_Kind = 6
	Type_STRING    Type_Kind = 7
	Type_BINARY    Type_Kind = 8
	Type_TIMESTAMP Type_Kind = 9
	Type_LIST      Type_Kind = 10
	Type_MAP       Type_Kind = 11
	Type_STRUCT    Type_Kind = 12
	Type_UNION     Type_Kind = 13
	Type_DECIMAL   Type_Kind = 14
	Type_DATE      Type_Kind = 15
	Type_VARCHAR   Type_Kind = 16
	Type_CHAR      Type_Kind = 17
)

var typeKindNames = []string{"BOOLEAN", "BYTE", "SHORT", "INT", "LONG", "FLOAT", "DOUBLE", "STRING", "BINARY",
	"TIMESTAMP", "LIST", "MAP", "STRUCT", "UNION", "DECIMAL", "DATE", "VARCHAR", "CHAR"}

func (x Type_Kind) Enum() *Type_Kind { return &x }
func (x Type_Kind) String() string   { return enumName(typeKindNames, int32(x)) }

// enumName is the name of value v, or its number (as protoc-gen-go prints
// values it does not know).
func enumName(names []string, v int32) string {
	if v >= 0 && int(v) < len(names) {
		return names[v]
	}
	return itoa(int64(v))
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	for u > 0 {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

type IntegerStatistics struct {
	Minimum *int64
	Maximum *int64
	Sum     *int64
}

func (m *IntegerStatistics) GetMinimum() int64 {
	if m != nil && m.Minimum != nil {
		return *m.Minimum
	}
	var zero int64
	return zero
}
func (m *IntegerStatistics) GetMaximum() int64 {
	if m != nil && m.Maximum != nil {
		return *m.Maximum
	}
	var zero int64
	return zero
}
func (m *IntegerStatistics) GetSum() int64 {
	if m != nil && m.Sum != nil {
		return *m.Sum
	}
	var zero int64
	return zero
}

type DoubleStatistics struct {
	Minimum *float64
	Maximum *float64
	Sum     *float64
}

func (m *DoubleStatistics) GetMinimum() float64 {
	if m != nil && m.Minimum != nil {
		return *m.Minimum
	}
	var zero float64
	return zero
}
func (m *DoubleStatistics) GetMaximum() float64 {
	if m != nil && m.Maximum != nil {
		return *m.Maximum
	}
	var zero float64
	return zero
}
func (m *DoubleStatistics) GetSum() float64 {
	if m != nil && m.Sum != nil {
		return *m.Sum
	}
	var zero float64
	return zero
}

type StringStatistics struct {
	Minimum *string
	Maximum *string
	// Sum is the total length of the strings.
	Sum *int64
}

func (m *StringStatistics) GetMinimum() string {
	if m != nil && m.Minimum != nil {
		return *m.Minimum
	}
	var zero string
	return zero
}
func (m *StringStatistics) GetMaximum() string {
	if m != nil && m.Maximum != nil {
		return *m.Maximum
	}
	var zero string
	return zero
}
func (m *StringStatistics) GetSum() int64 {
	if m != nil && m.Sum != nil {
		return *m.Sum
	}
	var zero int64
	return zero
}

type BucketStatistics struct {
	Count []uint64
}

func (m *BucketStatistics) GetCount() []uint64 {
	if m == nil {
		return nil
	}
	return m.Count
}

type DecimalStatistics struct {
	Minimum *string
	Maximum *string
	Sum     *string
}

func (m *DecimalStatistics) GetMinimum() string {
	if m != nil && m.Minimum != nil {
		return *m.Minimum
	}
	var zero string
	return zero
}
func (m *DecimalStatistics) GetMaximum() string {
	if m != nil && m.Maximum != nil {
		return *m.Maximum
	}
	var zero string
	return zero
}
func (m *DecimalStatistics) GetSum() string {
	if m != nil && m.Sum != nil {
		return *m.Sum
	}
	var zero string
	return zero
}

type DateStatistics struct {
	// Minimum and Maximum are days since the epoch.
	Minimum *int32
	Maximum *int32
}

func (m *DateStatistics) GetMinimum() int32 {
	if m != nil && m.Minimum != nil {
		return *m.Minimum
	}
	var zero int32
	return zero
}
func (m *DateStatistics) GetMaximum() int32 {
	if m != nil && m.Maximum != nil {
		return *m.Maximum
	}
	var zero int32
	return zero
}

type TimestampStatistics struct {
	// Milliseconds since the epoch, in the writer's zone and in UTC.
	Minimum    *int64
	Maximum    *int64
	MinimumUtc *int64
	MaximumUtc *int64
}

func (m *TimestampStatistics) GetMinimum() int64 {
	if m != nil && m.Minimum != nil {
		return *m.Minimum
	}
	var zero int64
	return zero
}
func (m *TimestampStatistics) GetMaximum() int64 {
	if m != nil && m.Maximum != nil {
		return *m.Maximum
	}
	var zero int64
	return zero
}
func (m *TimestampStatistics) GetMinimumUtc() int64 {
	if m != nil && m.MinimumUtc != nil {
		return *m.MinimumUtc
	}
	var zero int64
	return zero
}
func (m *TimestampStatistics) GetMaximumUtc() int64 {
	if m != nil && m.MaximumUtc != nil {
		return *m.MaximumUtc
	}
	var zero int64
	return zero
}

type BinaryStatistics struct {
	// Sum is the total length of the values.
	Sum *int64
}

func (m *BinaryStatistics) GetSum() int64 {
	if m != nil && m.Sum != nil {
		return *m.Sum
	}
	var zero int64
	return zero
}

type ColumnStatistics struct {
	NumberOfValues      *uint64
	IntStatistics       *IntegerStatistics
	DoubleStatistics    *DoubleStatistics
	StringStatistics    *StringStatistics
	BucketStatistics    *BucketStatistics
	DecimalStatistics   *DecimalStatistics
	DateStatistics      *DateStatistics
	BinaryStatistics    *BinaryStatistics
	TimestampStatistics *TimestampStatistics
	HasNull             *bool
}

func (m *ColumnStatistics) GetNumberOfValues() uint64 {
	if m != nil && m.NumberOfValues != nil {
		return *m.NumberOfValues
	}
	var zero uint64
	return zero
}
func (m *ColumnStatistics) GetIntStatistics() *IntegerStatistics {
	if m == nil {
		return nil
	}
	return m.IntStatistics
}
func (m *ColumnStatistics) GetDoubleStatistics() *DoubleStatistics {
	if m == nil {
		return nil
	}
	return m.DoubleStatistics
}
func (m *ColumnStatistics) GetStringStatistics() *StringStatistics {
	if m == nil {
		return nil
	}
	return m.StringStatistics
}
func (m *ColumnStatistics) GetBucketStatistics() *BucketStatistics {
	if m == nil {
		return nil
	}
	return m.BucketStatistics
}
func (m *ColumnStatistics) GetDecimalStatistics() *DecimalStatistics {
	if m == nil {
		return nil
	}
	return m.DecimalStatistics
}
func (m *ColumnStatistics) GetDateStatistics() *DateStatistics {
	if m == nil {
		return nil
	}
	return m.DateStatistics
}
func (m *ColumnStatistics) GetBinaryStatistics() *BinaryStatistics {
	if m == nil {
		return nil
	}
	return m.BinaryStatistics
}
func (m *ColumnStatistics) GetTimestampStatistics() *TimestampStatistics {
	if m == nil {
		return nil
	}
	return m.TimestampStatistics
}
func (m *ColumnStatistics) GetHasNull() bool {
	if m != nil && m.HasNull != nil {
		return *m.HasNull
	}
	var zero bool
	return zero
}

type RowIndexEntry struct {
	Positions  []uint64
	Statistics *ColumnStatistics
}

func (m *RowIndexEntry) GetPositions() []uint64 {
	if m == nil {
		return nil
	}
	return m.Positions
}
func (m *RowIndexEntry) GetStatistics() *ColumnStatistics {
	if m == nil {
		return nil
	}
	return m.Statistics
}

type RowIndex struct {
	Entry []*RowIndexEntry
}

func (m *RowIndex) GetEntry() []*RowIndexEntry {
	if m == nil {
		return nil
	}
	return m.Entry
}

type BloomFilter struct {
	NumHashFunctions *uint32
	Bitset           []uint64
	Utf8Bitset       []byte
}

func (m *BloomFilter) GetNumHashFunctions() uint32 {
	if m != nil && m.NumHashFunctions != nil {
		return *m.NumHashFunctions
	}
	var zero uint32
	return zero
}
func (m *BloomFilter) GetBitset() []uint64 {
	if m == nil {
		return nil
	}
	return m.Bitset
}
func (m *BloomFilter) GetUtf8Bitset() []byte {
	if m == nil {
		return nil
	}
	return m.Utf8Bitset
}

type BloomFilterIndex struct {
	BloomFilter []*BloomFilter
}

func (m *BloomFilterIndex) GetBloomFilter() []*BloomFilter {
	if m == nil {
		return nil
	}
	return m.BloomFilter
}

type Stream struct {
	Kind   *Stream_Kind
	Column *uint32
	Length *uint64
}

func (m *Stream) GetKind() Stream_Kind {
	if m != nil && m.Kind != nil {
		return *m.Kind
	}
	var zero Stream_Kind
	return zero
}
func (m *Stream) GetColumn() uint32 {
	if m != nil && m.Column != nil {
		return *m.Column
	}
	var zero uint32
	return zero
}
func (m *Stream) GetLength() uint64 {
	if m != nil && m.Length != nil {
		return *m.Length
	}
	var zero uint64
	return zero
}

type ColumnEncoding struct {
	Kind           *ColumnEncoding_Kind
	DictionarySize *uint32
	// BloomEncoding: 0 or missing = original, 1 = ORC-135 (UTC timestamps).
	BloomEncoding *uint32
}

func (m *ColumnEncoding) GetKind() ColumnEncoding_Kind {
	if m != nil && m.Kind != nil {
		return *m.Kind
	}
	var zero ColumnEncoding_Kind
	return zero
}
func (m *ColumnEncoding) GetDictionarySize() uint32 {
	if m != nil && m.DictionarySize != nil {
		return *m.DictionarySize
	}
	var zero uint32
	return zero
}
func (m *ColumnEncoding) GetBloomEncoding() uint32 {
	if m != nil && m.BloomEncoding != nil {
		return *m.BloomEncoding
	}
	var zero uint32
	return zero
}

type StripeFooter struct {
	Streams        []*Stream
	Columns        []*ColumnEncoding
	WriterTimezone *string
}

func (m *StripeFooter) GetStreams() []*Stream {
	if m == nil {
		return nil
	}
	return m.Streams
}
func (m *StripeFooter) GetColumns() []*ColumnEncoding {
	if m == nil {
		return nil
	}
	return m.Columns
}
func (m *StripeFooter) GetWriterTimezone() string {
	if m != nil && m.WriterTimezone != nil {
		return *m.WriterTimezone
	}
	var zero string
	return zero
}

type Type struct {
	Kind          *Type_Kind
	Subtypes      []uint32
	FieldNames    []string
	MaximumLength *uint32
	Precision     *uint32
	Scale         *uint32
}

func (m *Type) GetKind() Type_Kind {
	if m != nil && m.Kind != nil {
		return *m.Kind
	}
	var zero Type_Kind
	return zero
}
func (m *Type) GetSubtypes() []uint32 {
	if m == nil {
		return nil
	}
	return m.Subtypes
}
func (m *Type) GetFieldNames() []string {
	if m == nil {
		return nil
	}
	return m.FieldNames
}
func (m *Type) GetMaximumLength() uint32 {
	if m != nil && m.MaximumLength != nil {
		return *m.MaximumLength
	}
	var zero uint32
	return zero
}
func (m *Type) GetPrecision() uint32 {
	if m != nil && m.Precision != nil {
		return *m.Precision
	}
	var zero uint32
	return zero
}
func (m *Type) GetScale() uint32 {
	if m != nil && m.Scale != nil {
		return *m.Scale
	}
	var zero uint32
	return zero
}

type StripeInformation struct {
	Offset       *uint64
	IndexLength  *uint64
	DataLength   *uint64
	FooterLength *uint64
	NumberOfRows *uint64
}

func (m *StripeInformation) GetOffset() uint64 {
	if m != nil && m.Offset != nil {
		return *m.Offset
	}
	var zero uint64
	return zero
}
func (m *StripeInformation) GetIndexLength() uint64 {
	if m != nil && m.IndexLength != nil {
		return *m.IndexLength
	}
	var zero uint64
	return zero
}
func (m *StripeInformation) GetDataLength() uint64 {
	if m != nil && m.DataLength != nil {
		return *m.DataLength
	}
	var zero uint64
	return zero
}
func (m *StripeInformation) GetFooterLength() uint64 {
	if m != nil && m.FooterLength != nil {
		return *m.FooterLength
	}
	var zero uint64
	return zero
}
func (m *StripeInformation) GetNumberOfRows() uint64 {
	if m != nil && m.NumberOfRows != nil {
		return *m.NumberOfRows
	}
	var zero uint64
	return zero
}

type UserMetadataItem struct {
	Name  *string
	Value []byte
}

func (m *UserMetadataItem) GetName() string {
	if m != nil && m.Name != nil {
		return *m.Name
	}
	var zero string
	return zero
}
func (m *UserMetadataItem) GetValue() []byte {
	if m == nil {
		return nil
	}
	return m.Value
}

type StripeStatistics struct {
	ColStats []*ColumnStatistics
}

func (m *StripeStatistics) GetColStats() []*ColumnStatistics {
	if m == nil {
		return nil
	}
	return m.ColStats
}

type Metadata struct {
	StripeStats []*StripeStatistics
}

func (m *Metadata) GetStripeStats() []*StripeStatistics {
	if m == nil {
		return nil
	}
	return m.StripeStats
}

type Footer struct {
	HeaderLength   *uint64
	ContentLength  *uint64
	Stripes        []*StripeInformation
	Types          []*Type
	Metadata       []*UserMetadataItem
	NumberOfRows   *uint64
	Statistics     []*ColumnStatistics
	RowIndexStride *uint32
	// Writer: 0 = ORC Java, 1 = ORC C++, 2 = Presto, ...
	Writer *uint32
}

func (m *Footer) GetHeaderLength() uint64 {
	if m != nil && m.HeaderLength != nil {
		return *m.HeaderLength
	}
	var zero uint64
	return zero
}
func (m *Footer) GetContentLength() uint64 {
	if m != nil && m.ContentLength != nil {
		return *m.ContentLength
	}
	var zero uint64
	return zero
}
func (m *Footer) GetStripes() []*StripeInformation {
	if m == nil {
		return nil
	}
	return m.Stripes
}
func (m *Footer) GetTypes() []*Type {
	if m == nil {
		return nil
	}
	return m.Types
}
func (m *Footer) GetMetadata() []*UserMetadataItem {
	if m == nil {
		return nil
	}
	return m.Metadata
}
func (m *Footer) GetNumberOfRows() uint64 {
	if m != nil && m.NumberOfRows != nil {
		return *m.NumberOfRows
	}
	var zero uint64
	return zero
}
func (m *Footer) GetStatistics() []*ColumnStatistics {
	if m == nil {
		return nil
	}
	return m.Statistics
}
func (m *Footer) GetRowIndexStride() uint32 {
	if m != nil && m.RowIndexStride != nil {
		return *m.RowIndexStride
	}
	var zero uint32
	return zero
}
func (m *Footer) GetWriter() uint32 {
	if m != nil && m.Writer != nil {
		return *m.Writer
	}
	var zero uint32
	return zero
}

type PostScript struct {
	FooterLength         *uint64
	Compression          *CompressionKind
	CompressionBlockSize *uint64
	Version              []uint32
	MetadataLength       *uint64
	WriterVersion        *uint32
	Magic                *string
}

func (m *PostScript) GetFooterLength() uint64 {
	if m != nil && m.FooterLength != nil {
		return *m.FooterLength
	}
	var zero uint64
	return zero
}
func (m *PostScript) GetCompression() CompressionKind {
	if m != nil && m.Compression != nil {
		return *m.Compression
	}
	var zero CompressionKind
	return zero
}
func (m *PostScript) GetCompressionBlockSize() uint64 {
	if m != nil && m.CompressionBlockSize != nil {
		return *m.CompressionBlockSize
	}
	var zero uint64
	return zero
}
func (m *PostScript) GetVersion() []uint32 {
	if m == nil {
		return nil
	}
	return m.Version
}
func (m *PostScript) GetMetadataLength() uint64 {
	if m != nil && m.MetadataLength != nil {
		return *m.MetadataLength
	}
	var zero uint64
	return zero
}
func (m *PostScript) GetWriterVersion() uint32 {
	if m != nil && m.WriterVersion != nil {
		return *m.WriterVersion
	}
	var zero uint32
	return zero
}
func (m *PostScript) GetMagic() string {
	if m != nil && m.Magic != nil {
		return *m.Magic
	}
	var zero string
	return zero
}

// FileTail is the serialised tail of a file (ORC's footer cache format).
type FileTail struct {
	Postscript       *PostScript
	Footer           *Footer
	FileLength       *uint64
	PostscriptLength *uint64
}

func (m *FileTail) GetPostscript() *PostScript {
	if m == nil {
		return nil
	}
	return m.Postscript
}
func (m *FileTail) GetFooter() *Footer {
	if m == nil {
		return nil
	}
	return m.Footer
}
func (m *FileTail) GetFileLength() uint64 {
	if m != nil && m.FileLength != nil {
		return *m.FileLength
	}
	var zero uint64
	return zero
}
func (m *FileTail) GetPostscriptLength() uint64 {
	if m != nil && m.PostscriptLength != nil {
		return *m.PostscriptLength
	}
	var zero uint64
	return zero
}
