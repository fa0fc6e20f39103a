/** Projection plumbing shared by the read models: writes once per processor batch, documents by id, and the BSON mappings of values and consent terms. */
package io.consentledger.query.projection;
