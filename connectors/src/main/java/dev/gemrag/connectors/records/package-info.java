/** The records that travel on Kafka and through the job: public API. */
@PublicApi
package dev.gemrag.connectors.records;

import dev.gemrag.annotations.PublicApi;
