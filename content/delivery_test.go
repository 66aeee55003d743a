package content

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDeliveryStatsJSON checks that every key of the stats is snake_case,
// including the per-platform and per-unit counts.
func TestDeliveryStatsJSON(t *testing.T) {
	b, err := json.Marshal(DeliveryStats{BulletinID: "x", ByPlatform: map[string]Reach{"tg": {Delivered: 2, Read: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"tg":{"delivered":2,"read":1}`) {
		t.Errorf("stats as JSON: %s", s)
	}
}
