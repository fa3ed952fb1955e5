/**
 * What react-relay's hooks do, with relay-runtime alone: a view's query retained in the store,
 * `loadNext`/`loadPrevious` (usePaginationFragment) and `refetch` (useRefetchableFragment), each
 * built from the metadata relay-compiler wrote into the fragment's artifact.
 */
import {
  type ConcreteRequest,
  ConnectionHandler,
  commitLocalUpdate,
  createOperationDescriptor,
  type Direction,
  Environment,
  fetchQuery,
  getPaginationMetadata,
  getPaginationVariables,
  getRefetchMetadata,
  getSelector,
  getValueAtPath,
  Network,
  type ReaderFragment,
  RecordSource,
  type SingularReaderSelector,
  Store,
  type Variables,
} from 'relay-runtime';

/** A connection as a fragment reads it: Relay adds the cursors and pageInfo to the selection. */
export interface ReadConnection {
  totalCount: number;
  edges: { cursor: string; node: { id: string } & Record<string, unknown> }[];
  pageInfo: {
    startCursor?: string | null;
    endCursor?: string | null;
    hasNextPage?: boolean;
    hasPreviousPage?: boolean;
  };
}

type Data = Record<string, unknown>;

/** An environment whose network posts to the gateway with the user's token, as an app's does. */
export function relayEnvironment(url: string, token: string, sent: string[] = []): Environment {
  const network = Network.create(async (params, variables) => {
    sent.push(params.name);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ query: params.text, variables }),
    });
    return response.json();
  });
  return new Environment({ network, store: new Store(new RecordSource()) });
}

/** A view's query: fetched, retained as a mounted view holds it, and its data read from the store. */
export async function viewQuery(env: Environment, request: ConcreteRequest, variables: Variables) {
  const operation = createOperationDescriptor(request, variables);
  env.retain(operation);
  await fetchQuery(env, request, variables).toPromise();
  return env.lookup(operation.fragment).data as Data;
}

/** The fragment's data for a fragment reference, as useFragment reads it. */
export function readFragment(env: Environment, fragment: ReaderFragment, ref: unknown): Data {
  return env.lookup(getSelector(fragment, ref) as SingularReaderSelector).data as Data;
}

/** The connection a pagination fragment holds (every page loaded so far, merged by Relay). */
export function readConnection(env: Environment, fragment: ReaderFragment, ref: unknown): ReadConnection {
  const { connectionPathInFragmentData } = getPaginationMetadata(fragment, fragment.name);
  return getValueAtPath(readFragment(env, fragment, ref), connectionPathInFragmentData) as ReadConnection;
}

/**
 * usePaginationFragment's loadNext (`forward`) and loadPrevious (`backward`): the fragment's own
 * refetch query, from the cursor at that end of the connection, with the fragment's variables and
 * (for a fragment on a Node) its id.
 */
export async function loadMore(
  env: Environment,
  fragment: ReaderFragment,
  ref: unknown,
  direction: Direction,
  count: number,
): Promise<void> {
  const { paginationRequest, paginationMetadata } = getPaginationMetadata(fragment, fragment.name);
  const { identifierInfo } = getRefetchMetadata(fragment, fragment.name);
  const selector = getSelector(fragment, ref) as SingularReaderSelector;
  const { pageInfo } = readConnection(env, fragment, ref);
  const cursor = direction === 'forward' ? pageInfo.endCursor : pageInfo.startCursor;
  const base = { ...selector.owner.variables, ...selector.variables };
  const variables = getPaginationVariables(direction, count, cursor, base, {}, paginationMetadata);
  if (identifierInfo) {
    variables[identifierInfo.identifierQueryVariableName] = readFragment(env, fragment, ref)[
      identifierInfo.identifierField
    ];
  }
  await fetchQuery(env, paginationRequest, variables).toPromise();
}

/**
 * useRefetchableFragment's refetch: the fragment's refetch query for the object's id; answers the
 * fragment reference Relay finds in the response, where the artifact says it is.
 */
export async function refetch(env: Environment, fragment: ReaderFragment, id: string): Promise<unknown> {
  const { refetchableRequest, fragmentRefPathInResponse, identifierInfo } = getRefetchMetadata(
    fragment,
    fragment.name,
  );
  const variables = { [identifierInfo?.identifierQueryVariableName ?? 'id']: id };
  const operation = createOperationDescriptor(refetchableRequest, variables);
  env.retain(operation);
  await fetchQuery(env, refetchableRequest, variables).toPromise();
  return getValueAtPath(env.lookup(operation.fragment).data, fragmentRefPathInResponse);
}

/** The node ids of a connection's edges, as the store holds them under its @connection key. */
export function storedEdges(env: Environment, parentId: string, key: string, filters?: Variables): string[] {
  let ids: string[] = [];
  commitLocalUpdate(env, (store) => {
    const parent = store.get(parentId);
    const connection = parent && ConnectionHandler.getConnection(parent, key, filters);
    ids = (connection?.getLinkedRecords('edges') ?? []).map(
      (edge) => edge?.getLinkedRecord('node')?.getDataID() ?? 'missing node',
    );
  });
  return ids;
}
