/**
 * Aggregate caching for the command side: a bounded cache and a repository that checks a cached aggregate is still
 * current before using it.
 */
package io.consentledger.eventstore.caching;
