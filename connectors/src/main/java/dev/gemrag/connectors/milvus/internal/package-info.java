/**
 * The Milvus sink's and retriever's implementation: reach it through MilvusSink and MilvusRetriever
 * only.
 */
@Internal
package dev.gemrag.connectors.milvus.internal;

import dev.gemrag.annotations.Internal;
