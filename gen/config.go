package gen

import (
	"fmt"
	"runtime"
	"time"
)

// Config says what to generate. Two runs with equal Events, Seed, Start, Days,
// Accounts, Duplicates, MaxPerFile and FileWindow produce byte-identical
// events and files, whatever Workers is.
type Config struct {
	Events     int64     // unique events to generate
	Seed       int64     // all randomness derives from it
	Start      time.Time // first possible eventTime; zero: 2024-05-01T00:00:00Z
	Days       int       // span of eventTime; 0: 7
	Accounts   int       // AWS accounts; 0: 3
	Duplicates float64   // fraction of events re-delivered in a later file, 0..0.5
	MaxPerFile int       // cap on unique events per log file; 0: 2500
	// FileWindow is the span of eventTime each log file covers, a multiple
	// of 5 minutes up to a day. 0: 5 minutes, widened up to an hour when
	// traffic is too sparse to fill 5-minute files.
	FileWindow time.Duration
	Workers    int // parallelism; 0: GOMAXPROCS. Does not change output.
	// Progress, if set, is called after each finished file with the events
	// done so far and the total. It may be called from several goroutines.
	Progress func(done, total int64)
}

// DefaultStart is the Start used when Config.Start is zero.
var DefaultStart = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

// Validate reports the first invalid field of cfg, if any.
func (cfg Config) Validate() error {
	_, err := cfg.withDefaults()
	return err
}

// withDefaults returns cfg with zero fields filled in, or an error naming the
// first invalid field.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	cfg.Start = cfg.Start.UTC().Truncate(time.Second)
	if cfg.Days == 0 {
		cfg.Days = 7
	}
	if cfg.Accounts == 0 {
		cfg.Accounts = 3
	}
	if cfg.MaxPerFile == 0 {
		cfg.MaxPerFile = 2500
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case cfg.Events < 0:
		return cfg, fmt.Errorf("events must be >= 0, got %d", cfg.Events)
	case cfg.Events > 1<<40:
		return cfg, fmt.Errorf("events %d is too many", cfg.Events)
	case cfg.Start.Unix() < 0 || cfg.Start.Year() > 9000:
		return cfg, fmt.Errorf("start %s is out of range (1970..9000)", cfg.Start.Format(time.RFC3339))
	case cfg.Days < 1 || cfg.Days > 3660:
		return cfg, fmt.Errorf("days must be in 1..3660, got %d", cfg.Days)
	case cfg.Accounts < 1 || cfg.Accounts > 1000:
		return cfg, fmt.Errorf("accounts must be in 1..1000, got %d", cfg.Accounts)
	case !(cfg.Duplicates >= 0 && cfg.Duplicates <= 0.5):
		return cfg, fmt.Errorf("duplicates must be a fraction in 0..0.5, got %v", cfg.Duplicates)
	case cfg.FileWindow < 0 || cfg.FileWindow > 24*time.Hour || cfg.FileWindow%(5*time.Minute) != 0:
		return cfg, fmt.Errorf("file window must be a multiple of 5m up to 24h, got %s", cfg.FileWindow)
	case cfg.MaxPerFile < 1:
		return cfg, fmt.Errorf("max events per file must be >= 1, got %d", cfg.MaxPerFile)
	}
	return cfg, nil
}
