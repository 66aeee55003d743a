package content

import (
	"maps"
	"slices"
	"time"
)

// hourlyReadsUpTo is how many hours after publication reads are shown
// hour by hour; a bulletin read later than that (an old one found by a
// search) has its reads shown by day.
const hourlyReadsUpTo = 48

// ReadBucket is a span of time and the first reads that fell in it: an
// hour after publication, or a day (Beijing time).
type ReadBucket struct {
	Hour  int       // hours after publication (hourly buckets)
	Day   time.Time // midnight of the day, Beijing time (daily buckets)
	Reads int64
}

// ReadsOverTime groups first reads, counted by whole hours after
// publication, for people: hour by hour while every read came within two
// days of publication, else by day, so a bulletin from 2022 read today
// shows today's date rather than "39307h". byDay says which.
func ReadsOverTime(published time.Time, byHour map[int]int64) (buckets []ReadBucket, byDay bool) {
	hours := slices.Sorted(maps.Keys(byHour))
	if len(hours) == 0 {
		return nil, false
	}
	if hours[len(hours)-1] <= hourlyReadsUpTo {
		for _, h := range hours {
			buckets = append(buckets, ReadBucket{Hour: h, Reads: byHour[h]})
		}
		return buckets, false
	}
	for _, h := range hours {
		at := published.Add(time.Duration(h) * time.Hour).In(Shanghai)
		day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, Shanghai)
		if n := len(buckets); n > 0 && buckets[n-1].Day.Equal(day) {
			buckets[n-1].Reads += byHour[h]
			continue
		}
		buckets = append(buckets, ReadBucket{Day: day, Reads: byHour[h]})
	}
	return buckets, true
}
