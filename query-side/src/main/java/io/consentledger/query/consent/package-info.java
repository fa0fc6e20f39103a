/** The consent views and customers' dashboards: written by ConsentProjection, read only through ConsentViews. */
package io.consentledger.query.consent;
