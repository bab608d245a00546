package ingest

import "testing"

// TestSplitInputs runs the pipeline's behaviour tests again with every
// input framed by its worker and decoded by the pool (pipeline_split.go),
// which normally happens only to inputs of splitBytes or more: rejects
// with their lines, damaged gzip, strict mode, dedup's input order across
// chunks and days, selectors and large events must come out the same.
//
// With direct, split inputs are also read with O_DIRECT (direct_linux.go)
// however small, where the file system allows it.
func TestSplitInputs(t *testing.T) {
	for _, direct := range []bool{false, true} {
		t.Run(map[bool]string{false: "buffered", true: "direct"}[direct], func(t *testing.T) { testSplitInputs(t, direct) })
	}
}

func testSplitInputs(t *testing.T, direct bool) {
	defer func(n int64, e int, d int64) { splitBytes, rawChunkEvents, directMinSize = n, e, d }(splitBytes, rawChunkEvents, directMinSize)
	splitBytes, rawChunkEvents = 0, 3 // every input split, chunks of 3 events
	if direct {
		directMinSize = 0
	}
	for _, tc := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"TruncatedGzip", TestTruncatedGzipKeepsEventsBeforeTheDamage},
		{"BrokenJSON", TestBrokenJSONInsideRecordsIsRejectedWithPosition},
		{"OneMegabyteEvent", TestOneMegabyteEventIsStoredWhole},
		{"InvalidUTF8", TestInvalidUTF8IsRejectedWithRawBytes},
		{"EventTime", TestEventTimeProblemsAndFallback},
		{"Unreadable", TestUnreadableInputIsReportedAndSkipped},
		{"Strict", TestStrictLeavesStoreUnchanged},
		{"DedupAcrossDays", TestDedupFirstOccurrenceAcrossDays},
		{"LargeInput", TestLargeInputIsMergedInParts},
		{"DedupFirstWins", TestDedupFirstOccurrenceWins},
		{"NoID", TestEventsWithoutIDAreNeverDeduplicated},
		{"Selectors", TestSelectorsApplyAtIngest},
	} {
		t.Run(tc.name, tc.run)
	}
}
