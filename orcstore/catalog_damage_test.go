package orcstore

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDamagedStoreIsIsolated: a store whose store.json is broken, invalid
// or a duplicate is reported and skipped; the other stores open, list,
// create and delete as before; the damaged one is removed by ForceDelete.
func TestDamagedStoreIsIsolated(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(t *testing.T, c *Catalog, victim *Store)
		want   string
	}{
		{"garbage", func(t *testing.T, c *Catalog, v *Store) {
			os.WriteFile(filepath.Join(v.Dir, "store.json"), []byte("{not json"), 0o644)
		}, "store.json"},
		{"missing", func(t *testing.T, c *Catalog, v *Store) {
			os.Remove(filepath.Join(v.Dir, "store.json"))
		}, "no such file"},
		{"bad name", func(t *testing.T, c *Catalog, v *Store) {
			editInfo(t, v, func(in *Info) { in.Name = "../../etc" })
		}, "not a valid store name"},
		{"foreign ID", func(t *testing.T, c *Catalog, v *Store) {
			editInfo(t, v, func(in *Info) { in.ID = "00000000-0000-4000-8000-000000000000" })
		}, "is not the folder's"},
		{"bad retention", func(t *testing.T, c *Catalog, v *Store) {
			editInfo(t, v, func(in *Info) { in.RetentionDays = 1 })
		}, "retention"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := OpenCatalog(t.TempDir())
			good, _ := c.Create("good-store", CreateOptions{})
			victim, _ := c.Create("victim-store", CreateOptions{NoTerminationProtection: true})
			tc.break_(t, c, victim)
			infos, err := c.List()
			if err != nil || len(infos) != 1 || infos[0].ID != good.Info.ID {
				t.Fatalf("List: %v, %v; want only the good store", infos, err)
			}
			es, err := c.Survey()
			if err != nil || len(es) != 2 {
				t.Fatalf("Survey: %v, %v", es, err)
			}
			var dmg error
			for _, e := range es {
				if e.ID == victim.Info.ID {
					dmg = e.Damage
				}
			}
			if !errors.Is(dmg, ErrDamaged) || !strings.Contains(dmg.Error(), tc.want) || !strings.Contains(dmg.Error(), victim.Info.ID) {
				t.Fatalf("damage %v; want ErrDamaged naming the store and %q", dmg, tc.want)
			}
			if s, err := c.Open("good-store"); err != nil || s.Info.ID != good.Info.ID {
				t.Fatalf("the good store does not open: %v", err)
			}
			if _, err := c.Open(victim.Info.ID); !errors.Is(err, ErrDamaged) {
				t.Fatalf("opening the damaged store by ID: %v", err)
			}
			if _, err := c.Open("nope"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "1 damaged") {
				t.Fatalf("not-found error should mention the damaged store: %v", err)
			}
			if _, err := c.Create("another-one", CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			tx, err := good.Begin()
			if err != nil {
				t.Fatal(err)
			}
			tx.Close()
			if err := c.ForceDelete(victim.Info.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(victim.Dir); !os.IsNotExist(err) {
				t.Fatalf("damaged store survived ForceDelete: %v", err)
			}
			if es, _ := c.Survey(); len(es) != 2 {
				t.Fatalf("after ForceDelete: %v", es)
			}
		})
	}
}

func editInfo(t *testing.T, s *Store, edit func(*Info)) {
	t.Helper()
	in := s.Info
	edit(&in)
	b, _ := json.Marshal(in)
	if err := os.WriteFile(filepath.Join(s.Dir, "store.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDuplicateStoreNames: two store.json files with one name make `FROM
// name` an error naming both stores, never a silent pick; each still opens
// by its ID.
func TestDuplicateStoreNames(t *testing.T) {
	c, _ := OpenCatalog(t.TempDir())
	a, _ := c.Create("twin-a", CreateOptions{})
	b, _ := c.Create("twin-b", CreateOptions{})
	editInfo(t, b, func(in *Info) { in.Name = "twin-a" })
	_, err := c.Open("twin-a")
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), a.Info.ID) || !strings.Contains(err.Error(), b.Info.ID) {
		t.Fatalf("duplicate name: %v; want an error naming %s and %s", err, a.Info.ID, b.Info.ID)
	}
	for _, id := range []string{a.Info.ID, b.Info.ID} {
		if s, err := c.Open(id); err != nil || s.Info.ID != id {
			t.Fatalf("open %s by ID: %v", id, err)
		}
	}
	if _, err := c.Create("twin-a", CreateOptions{}); !errors.Is(err, ErrExists) {
		t.Fatalf("a third twin: %v", err)
	}
}

// TestForceDeleteFollowsNoLink: removing a damaged store removes links in
// it, and a store folder that is a link, without touching their targets.
func TestForceDeleteFollowsNoLink(t *testing.T) {
	tmp := t.TempDir()
	outside := filepath.Join(tmp, "outside")
	os.MkdirAll(outside, 0o755)
	canary := filepath.Join(outside, "keep.txt")
	os.WriteFile(canary, []byte("keep"), 0o644)
	c, _ := OpenCatalog(filepath.Join(tmp, "data"))
	v, _ := c.Create("victim-store", CreateOptions{})
	os.WriteFile(filepath.Join(v.Dir, "store.json"), []byte("{"), 0o644) // damaged: protection unknown
	os.Symlink(outside, filepath.Join(v.DataDir(), "eventdate=2024-01-01"))
	os.Symlink(canary, filepath.Join(v.Dir, "manifest.json.link"))
	if err := c.ForceDelete(v.Info.ID); err != nil {
		t.Fatal(err)
	}
	// A store folder that is itself a link.
	linked := filepath.Join(c.Dir, "stores", "11111111-2222-4333-8444-555555555555")
	os.Symlink(outside, linked)
	es, _ := c.Survey()
	if len(es) != 1 || !errors.Is(es[0].Damage, ErrDamaged) || !strings.Contains(es[0].Damage.Error(), "symbolic link") {
		t.Fatalf("linked store folder: %+v", es)
	}
	if _, err := c.Open(es[0].ID); !errors.Is(err, ErrDamaged) {
		t.Fatalf("open a linked store folder: %v", err)
	}
	if err := c.ForceDelete(es[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(linked); !os.IsNotExist(err) {
		t.Fatal("the link survived")
	}
	if b, err := os.ReadFile(canary); err != nil || string(b) != "keep" {
		t.Fatalf("the link's target was touched: %v", err)
	}
}

// TestForceDeleteHonoursProtection: --force is for damage, not for
// termination protection that store.json states.
func TestForceDeleteHonoursProtection(t *testing.T) {
	c, _ := OpenCatalog(t.TempDir())
	s, _ := c.Create("protected", CreateOptions{})
	os.WriteFile(filepath.Join(s.Dir, manifestName), []byte("{"), 0o644)
	if err := c.ForceDelete("protected"); !errors.Is(err, ErrProtected) {
		t.Fatalf("ForceDelete of a protected store: %v", err)
	}
}
