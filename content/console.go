package content

import "time"

// ConsoleSession is an admin signed in to the web console. The browser
// holds a secret token; the store keeps only its hash, which is also the
// handle the session list shows and revokes by.
type ConsoleSession struct {
	// Handle is the hex SHA-256 of the browser's token.
	Handle string `json:"handle"`
	// Admin is the subscriber id of the admin who signed in.
	Admin string `json:"admin"`
	// CSRF is the token every form of this session carries.
	CSRF    string    `json:"csrf"`
	Started time.Time `json:"started"`
	Seen    time.Time `json:"seen"`
	// Agent is the browser's User-Agent, cut short, to tell sessions apart.
	Agent string `json:"agent,omitempty"`
}

// PendingBroadcast is an announcement composed in the console that waits
// for a second admin's approval (the two-person rule).
type PendingBroadcast struct {
	ID       string    `json:"id"`
	Proposer string    `json:"proposer"`
	Text     string    `json:"text"`
	Segment  Segment   `json:"segment"`
	Urgent   bool      `json:"urgent,omitempty"`
	Count    int64     `json:"count"`
	At       time.Time `json:"at"`
}

// Rate is the share of the delivered who read, 0 to 1 (0 when nothing was
// delivered).
func (r Reach) Rate() float64 {
	if r.Delivered == 0 {
		return 0
	}
	return float64(r.Read) / float64(r.Delivered)
}
