package chat

import "tongbao/content"

// Announcement is an admin broadcast.
type Announcement struct {
	Actor   string          // subscriber id of the admin
	Text    string          // what to send
	Segment content.Segment // who receives it
	// Scope limits Segment to the people of these roster units and below:
	// the units the actor administers (nil: everyone).
	Scope  []string
	Urgent bool   // ignores quiet hours and digests
	Lang   string // the admin's language, for the progress edited into ReplyTo
	// ReplyTo is where the admin's preview lives, so progress can be
	// edited into it: platform, chat id and message id.
	ReplyTo Origin
}

// Origin is a message in a chat, for editing it later.
type Origin struct {
	Platform  Platform
	ChatID    string
	MessageID string
}

// Announced is what sending an announcement did: the id it is stored and
// tracked under (its stats, its console page) and how many subscribers
// it was queued for.
type Announced struct {
	ID         string
	Recipients int64
}
