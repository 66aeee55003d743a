// Package cards renders a bulletin as a platform-neutral reply: the card
// (title, date, meeting and chair, summary, points, link and buttons) that
// answers a question and is pushed to subscribers, and the full text. The
// conversation and the dispatcher both use it, so a push and an answer
// look the same.
package cards
