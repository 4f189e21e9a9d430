// Declarative cancellation of Azure Marketplace publishing: Cloud Partner Portal offer operations and Product Ingestion API jobs.
package marketplace
