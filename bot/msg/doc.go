// Package msg is the catalog of every sentence Tongbao shows to users, in
// Chinese and English, and Say, which renders one in a user's language.
// The conversation, the card renderer, the dispatcher and the admin
// console (keys console.*, in console.go) all take their texts from here,
// so no package writes a user-facing sentence by hand.
package msg
