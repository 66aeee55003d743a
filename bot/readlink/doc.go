// Package readlink makes and checks personal read links
// (<public_url>/r/<token>): a token names a bulletin and a subscriber and is
// signed with the server secret, so opening the link records that this
// subscriber read this bulletin and nobody can forge a read for someone
// else. The conversation puts the links in its replies, the dispatcher in
// its pushes, and the web server verifies them.
package readlink
