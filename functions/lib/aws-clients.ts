/** SDK clients, built once per cold start by the handler modules (never inside shared/). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DOCUMENT_CLIENT_TRANSLATE_CONFIG,
  DynamoDbStore,
} from '../../shared/adapters/dynamodb/dynamodb-store.js';

/** A store on the table plus the raw client it uses (the idempotency layer needs the raw one). */
export function createStore(tableName: string, client: DynamoDBClient = new DynamoDBClient({})) {
  const documentClient = DynamoDBDocumentClient.from(client, DOCUMENT_CLIENT_TRANSLATE_CONFIG);
  return { client, store: new DynamoDbStore({ client: documentClient, tableName }) };
}
