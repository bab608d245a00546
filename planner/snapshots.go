package planner

// ReleaseSnapshots ends the reader leases of the store snapshots a plan
// holds (orcstore.Manifest.Release), so that compaction and retention may
// delete the files they replaced. Call it when the query has finished
// reading; a plan dropped without it releases them when garbage collected.
func ReleaseSnapshots(n Node) {
	walkNodes(n, func(n Node) {
		if s, ok := n.(*Scan); ok && s.Snapshot != nil {
			s.Snapshot.Release()
		}
	})
}
