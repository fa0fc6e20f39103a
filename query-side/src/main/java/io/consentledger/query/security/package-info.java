/** The query side's access rules: which endpoints each party may call, and which rows it may see (Visibility); it reads no read model. */
package io.consentledger.query.security;
