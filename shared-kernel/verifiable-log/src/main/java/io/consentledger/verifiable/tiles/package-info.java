/**
 * C2SP tlog-tiles layout (height 8): which tiles a proof needs, reading node hashes from fetched tiles, and the incremental appender that turns new leaf hashes into the tiles to persist.
 */
package io.consentledger.verifiable.tiles;
